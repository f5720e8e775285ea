import { Router, type Request, type Response } from 'express';
import { InvalidRequestError } from '../errors.js';
import type { PassthroughClient } from '../upstream/passthrough-client.js';
import { upstreamCallFor } from './call-options.js';
import { pathSegment } from './path-segment.js';

/** `GET /v1/models` and `GET /v1/models/{id}`, forwarded as they are. */
export function modelsRouter(upstream: PassthroughClient): Router {
  const router = Router();
  const forward = async (path: string, request: Request, response: Response) => {
    const reply = await upstream.forward({ method: 'GET', path, accept: 'application/json' }, upstreamCallFor(request, response, request.id));
    if (!Buffer.isBuffer(reply.body)) {
      reply.body.cancel();
      throw new InvalidRequestError('The upstream answered /models with an event stream.', { status: 502 });
    }
    response
      .status(reply.status)
      .type(reply.headers['content-type'] ?? 'application/json')
      .send(reply.body.toString('utf8'));
  };
  router.get('/v1/models', (request, response) => forward('/models', request, response));
  // The upstream path is built from the route, never from the raw URL: the id is one encoded segment.
  router.get('/v1/models/:model', (request, response) => {
    const model = String(request.params.model);
    const segment = pathSegment(model);
    if (segment === undefined) {
      throw new InvalidRequestError(`The model '${model}' does not exist.`, { status: 404, param: 'model', code: 'model_not_found' });
    }
    return forward(`/models/${segment}`, request, response);
  });
  return router;
}
