import { Router, type Request, type Response } from 'express';
import { sendJson } from '../http/send-json.js';
import { completionsQuery, pageQuery } from '../stored/list-query.js';
import { metadataUpdate } from '../stored/metadata.js';
import { LIST_CONCURRENCY, notFound, type StoredCompletions } from '../stored/stored-completions.js';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';
import { upstreamCallFor } from './call-options.js';
import { pathSegment } from './path-segment.js';
import { holdUpstreamSlots } from './upstream-slots.js';

/**
 * The stored chat completions routes as the official SDKs call them (`retrieve`, `update`, `list`,
 * `delete`, `messages.list`). Mounted before the passthrough would forward them: the upstream's
 * own Chat store holds nothing the adapter made.
 */
export function storedCompletionsRouter(stored: StoredCompletions, slots: ConcurrencyLimit): Router {
  const router = Router();
  // Express would answer a preflight to these paths with its own `Allow` list: they stay unknown to OPTIONS, as before.
  router.use((request, _response, next) => next(request.method === 'OPTIONS' ? 'router' : undefined));
  router.get('/v1/chat/completions', async (request, response) => {
    const query = completionsQuery(clientQuery(request));
    holdUpstreamSlots(slots, response, Math.min(LIST_CONCURRENCY, slots.limit));
    answer(response, await stored.list(query, callFor(request, response), request.log));
  });
  router.get('/v1/chat/completions/:id', async (request, response) => {
    const id = completionId(request);
    holdUpstreamSlots(slots, response);
    answer(response, await stored.retrieve(id, callFor(request, response), request.log));
  });
  router.get('/v1/chat/completions/:id/messages', async (request, response) => {
    const id = completionId(request);
    const page = pageQuery(clientQuery(request));
    holdUpstreamSlots(slots, response);
    answer(response, await stored.messages(id, page, callFor(request, response)));
  });
  router.post('/v1/chat/completions/:id', async (request, response) => {
    const id = completionId(request);
    const metadata = metadataUpdate(request.body);
    holdUpstreamSlots(slots, response);
    answer(response, await stored.update(id, metadata, callFor(request, response), request.log));
  });
  router.delete('/v1/chat/completions/:id', async (request, response) => {
    const id = completionId(request);
    holdUpstreamSlots(slots, response);
    answer(response, await stored.delete(id, callFor(request, response)));
  });
  return router;
}

function callFor(request: Request, response: Response) {
  return upstreamCallFor(request, response, request.id);
}

function answer(response: Response, body: unknown): void {
  sendJson(response, 200, body);
}

/** The id as the client named it; one that could not be one upstream path segment names nothing. */
function completionId(request: Request): string {
  const id = String(request.params.id);
  if (pathSegment(id) === undefined) throw notFound(id);
  return id;
}

/** The client's query string as sent (the SDK's `metadata[key]=value` pairs kept apart). */
function clientQuery(request: Request): URLSearchParams {
  const start = request.originalUrl.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : request.originalUrl.slice(start + 1));
}
