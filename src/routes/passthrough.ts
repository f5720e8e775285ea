import { Router, type Request, type Response } from 'express';
import { notFound } from '../http/error-handler.js';
import { clientUpload } from '../http/client-upload.js';
import { forwardBody, forwardEventStream } from '../http/forward-body.js';
import type { Redactor } from '../redaction.js';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';
import type { StreamedForward, StreamedPassthrough } from '../upstream/streamed-passthrough.js';
import { upstreamCallFor } from './call-options.js';
import { forwardedTarget, upstreamPath } from './forwarded-target.js';
import type { RouteFence } from './route-fence.js';
import { holdUpstreamSlots } from './upstream-slots.js';

export interface PassthroughRouteSettings {
  upstream: StreamedPassthrough;
  fence: RouteFence;
  slots: ConcurrencyLimit;
  redactor: Redactor;
  /** A body from the upstream with no bytes (an event stream: no event bytes) for this long is cut. */
  idleTimeoutMs: number;
}

const METHODS = new Set(['GET', 'POST', 'DELETE']);
const refuse = notFound();

/**
 * Every `/v1/*` route the adapter does not serve itself, forwarded upstream (issue 11); and the
 * operator's fence (PASSTHROUGH_ROUTES, PASSTHROUGH_DENY) around every forwarded route, the
 * Responses passthrough and `/v1/models` included. Mounted before the JSON body reader: bodies
 * (multipart uploads, audio) go upstream as they arrive, unread.
 */
export function passthroughRouter(settings: PassthroughRouteSettings): Router {
  const router = Router();
  router.all('/v1/*path', async (request, response, next) => {
    const target = METHODS.has(request.method) ? forwardedTarget(request.url) : undefined;
    if (target === undefined) return next();
    const route = target.segments.map((segment) => segment?.toLowerCase());
    // The chat route and /v1/adapter/* (the dry run) are the adapter itself: never fenced, never forwarded.
    if ((route[0] === 'chat' && route[1] === 'completions') || route[0] === 'adapter') return next();
    if (!settings.fence.allows(target.segments)) return refuse(request, response, next);
    // The adapter's own forwarding routes, with their own rules.
    if (route[0] === 'responses' || (route[0] === 'models' && request.method === 'GET')) return next();
    const path = upstreamPath(target);
    if (path === undefined) return refuse(request, response, next);
    holdUpstreamSlots(settings.slots, response);
    await pass(settings, request, response, path);
  });
  return router;
}

async function pass(settings: PassthroughRouteSettings, request: Request, response: Response, path: string): Promise<void> {
  const upload = request.method === 'POST' ? clientUpload(request) : undefined;
  const forwarded: StreamedForward = {
    method: request.method as StreamedForward['method'],
    path,
    clientHeaders: {
      accept: request.headers.accept,
      'content-type': request.headers['content-type'],
      'openai-beta': single(request.headers['openai-beta']),
    },
    body: upload && { stream: upload.body, contentLength: upload.contentLength },
  };
  const call = upstreamCallFor(request, response, request.id);
  const reply = await settings.upstream.forward(forwarded, call).catch((error: unknown) => {
    // The upload broke off on the client's side: that, not the transport's view of it, is the answer.
    throw upload?.failure() ?? error;
  });
  response.status(reply.status);
  // setHeader, not set(): Express would add a charset to the upstream's content type.
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  if (Buffer.isBuffer(reply.body)) {
    response.end(reply.body);
    return;
  }
  const log = request.log;
  if (reply.headers['content-type']?.includes('text/event-stream')) {
    response.setHeader('cache-control', 'no-cache');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    await forwardEventStream(reply.body, response, settings.redactor.stream(call.authorization), { idleTimeoutMs: settings.idleTimeoutMs, log });
    return;
  }
  await forwardBody(reply.body, response, { idleTimeoutMs: settings.idleTimeoutMs, log });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
