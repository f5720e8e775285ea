import { Router, type Request, type Response } from 'express';
import type { UpstreamClient } from '../upstream/client.js';
import { callOptionsFor } from './call-options.js';

/** `GET /v1/models` and `GET /v1/models/{id}`, forwarded as they are. */
export function modelsRouter(upstream: UpstreamClient): Router {
  const router = Router();
  const forward = async (path: string, request: Request, response: Response) => {
    const reply = await upstream.get(path, callOptionsFor(request, response));
    response.status(reply.status).type(reply.contentType).send(reply.body);
  };
  router.get('/v1/models', (request, response) => forward('/models', request, response));
  // The upstream path is built from the route, never from the raw URL: the id is one encoded segment.
  router.get('/v1/models/:model', (request, response) =>
    forward(`/models/${encodeURIComponent(String(request.params.model))}`, request, response),
  );
  return router;
}
