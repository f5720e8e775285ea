import { Router, type Request, type Response } from 'express';
import { InvalidRequestError } from '../errors.js';
import type { UpstreamClient } from '../upstream/client.js';
import { upstreamCallFor } from './call-options.js';

/** `GET /v1/models` and `GET /v1/models/{id}`, forwarded as they are. */
export function modelsRouter(upstream: UpstreamClient): Router {
  const router = Router();
  const forward = async (path: string, request: Request, response: Response) => {
    const reply = await upstream.get(path, upstreamCallFor(request, response, String(request.id)));
    response.status(reply.status).type(reply.contentType).send(reply.body);
  };
  router.get('/v1/models', (request, response) => forward('/models', request, response));
  // The upstream path is built from the route, never from the raw URL: the id is one encoded segment.
  router.get('/v1/models/:model', (request, response) => {
    const model = String(request.params.model);
    // URL parsing resolves `.` and `..` segments even when sent as %2E, so they would leave /models.
    if (model === '.' || model === '..') {
      throw new InvalidRequestError(`The model '${model}' does not exist.`, { status: 404, param: 'model', code: 'model_not_found' });
    }
    return forward(`/models/${encodeURIComponent(model)}`, request, response);
  });
  return router;
}
