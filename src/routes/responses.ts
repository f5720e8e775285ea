import { Router, type Request, type Response } from 'express';
import { InvalidRequestError } from '../errors.js';
import type { Redactor } from '../redaction.js';
import { forwardEventStream } from '../http/forward-body.js';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';
import type { PassthroughClient } from '../upstream/passthrough-client.js';
import { upstreamCallFor } from './call-options.js';
import { pathSegment } from './path-segment.js';
import { holdUpstreamSlots } from './upstream-slots.js';

/** Query parameters the API defines for each call; anything else the client adds stays here. */
const RETRIEVE_QUERY = new Set(['include[]', 'include', 'stream', 'starting_after', 'include_obfuscation']);
const INPUT_ITEMS_QUERY = new Set(['after', 'before', 'limit', 'order', 'include[]', 'include']);

interface Forwarded {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** Forward the client's JSON body (re-serialised as parsed). */
  withBody?: boolean;
  query?: Set<string>;
  stream?: boolean;
}

/**
 * The Responses API passed through untouched, so one base URL serves Chat and Responses clients:
 * bodies, statuses and event streams go both ways as they are; only auth follows the adapter's rules.
 */
export interface PassthroughSettings {
  redactor: Redactor;
  /** A passed-through stream with no event bytes for this long is cut (comments do not count). */
  idleTimeoutMs: number;
  /** MAX_CONCURRENT_UPSTREAM: each call holds a slot until its answer is over. */
  slots: ConcurrencyLimit;
}

export function responsesRouter(upstream: PassthroughClient, settings: PassthroughSettings): Router {
  const router = Router();
  const forward = (forwarded: (request: Request) => Forwarded) => (request: Request, response: Response) =>
    pass(upstream, settings, forwarded(request), request, response);

  router.post(
    '/v1/responses',
    forward((request) => ({ method: 'POST', path: '/responses', withBody: true, stream: request.body?.stream === true })),
  );
  router.post('/v1/responses/input_tokens', forward(() => ({ method: 'POST', path: '/responses/input_tokens', withBody: true })));
  router.post('/v1/responses/compact', forward(() => ({ method: 'POST', path: '/responses/compact', withBody: true })));
  router.get(
    '/v1/responses/:id',
    forward((request) => ({
      method: 'GET',
      path: `/responses/${responseSegment(request)}`,
      query: RETRIEVE_QUERY,
      stream: clientQuery(request).get('stream') === 'true',
    })),
  );
  router.delete('/v1/responses/:id', forward((request) => ({ method: 'DELETE', path: `/responses/${responseSegment(request)}` })));
  router.post('/v1/responses/:id/cancel', forward((request) => ({ method: 'POST', path: `/responses/${responseSegment(request)}/cancel` })));
  router.get(
    '/v1/responses/:id/input_items',
    forward((request) => ({ method: 'GET', path: `/responses/${responseSegment(request)}/input_items`, query: INPUT_ITEMS_QUERY })),
  );
  return router;
}

async function pass(upstream: PassthroughClient, settings: PassthroughSettings, forwarded: Forwarded, request: Request, response: Response): Promise<void> {
  holdUpstreamSlots(settings.slots, response);
  const call = upstreamCallFor(request, response, request.id);
  const allowed = forwarded.query ?? new Set<string>();
  const query = [...clientQuery(request)].filter(([name]) => allowed.has(name));
  const reply = await upstream.forward(
    {
      method: forwarded.method,
      path: forwarded.path,
      body: forwarded.withBody ? request.body : undefined,
      query,
      accept: forwarded.stream ? 'text/event-stream' : 'application/json',
    },
    call,
  );
  response.status(reply.status);
  // setHeader, not set(): Express would add a charset to the upstream's content type.
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  if (Buffer.isBuffer(reply.body)) {
    response.end(reply.body);
    return;
  }
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-accel-buffering', 'no');
  response.flushHeaders();
  await forwardEventStream(reply.body, response, settings.redactor.stream(call.authorization), {
    idleTimeoutMs: settings.idleTimeoutMs,
    log: request.log,
  });
}

/** The client's query string, parsed here so only allowed names are ever rebuilt upstream. */
function clientQuery(request: Request): URLSearchParams {
  const start = request.originalUrl.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : request.originalUrl.slice(start + 1));
}

/** The response id as one encoded path segment. */
function responseSegment(request: Request): string {
  const id = String(request.params.id);
  const segment = pathSegment(id);
  if (segment === undefined) throw new InvalidRequestError(`Response with id '${id}' not found.`, { status: 404 });
  return segment;
}
