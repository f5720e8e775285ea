import { Router, type Request, type Response } from 'express';
import { InvalidRequestError } from '../errors.js';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';
import type { PassthroughClient } from '../upstream/passthrough-client.js';
import { upstreamCallFor } from './call-options.js';
import { listWithAliases, modelAsAlias } from './model-list-aliases.js';
import { pathSegment } from './path-segment.js';
import { holdUpstreamSlots } from './upstream-slots.js';

export interface ModelsRouteSettings {
  /** MODEL_ALIASES: listed as models, and answered for by their targets. */
  aliases: ReadonlyMap<string, string>;
  slots: ConcurrencyLimit;
}

/** `GET /v1/models` and `GET /v1/models/{id}`, forwarded as they are, with the aliases added. */
export function modelsRouter(upstream: PassthroughClient, settings: ModelsRouteSettings): Router {
  const router = Router();
  const forward = async (path: string, request: Request, response: Response, rewrite?: (text: string) => string | undefined) => {
    holdUpstreamSlots(settings.slots, response);
    const reply = await upstream.forward({ method: 'GET', path, accept: 'application/json' }, upstreamCallFor(request, response, request.id));
    if (!Buffer.isBuffer(reply.body)) {
      reply.body.cancel();
      throw new InvalidRequestError('The upstream answered /models with an event stream.', { status: 502 });
    }
    const text = reply.body.toString('utf8');
    response
      .status(reply.status)
      .type(reply.headers['content-type'] ?? 'application/json')
      .send((reply.status === 200 ? rewrite?.(text) : undefined) ?? text);
  };
  router.get('/v1/models', (request, response) =>
    forward('/models', request, response, settings.aliases.size === 0 ? undefined : (text) => listWithAliases(text, settings.aliases)),
  );
  // The upstream path is built from the route, never from the raw URL: the id is one encoded segment.
  router.get('/v1/models/:model', (request, response) => {
    const model = String(request.params.model);
    const target = settings.aliases.get(model);
    const segment = pathSegment(target ?? model);
    if (segment === undefined) {
      throw new InvalidRequestError(`The model '${model}' does not exist.`, { status: 404, param: 'model', code: 'model_not_found' });
    }
    return forward(`/models/${segment}`, request, response, target === undefined ? undefined : (text) => modelAsAlias(text, model));
  });
  return router;
}
