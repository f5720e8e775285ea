import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Router, type Request, type Response } from 'express';
import { InvalidRequestError } from '../errors.js';
import type { Redactor } from '../redaction.js';
import type { UpstreamClient } from '../upstream/client.js';
import { upstreamCallFor } from './call-options.js';

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
export function responsesRouter(upstream: UpstreamClient, redactor: Redactor): Router {
  const router = Router();
  const forward = (forwarded: (request: Request) => Forwarded) => (request: Request, response: Response) =>
    pass(upstream, redactor, forwarded(request), request, response);

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

async function pass(upstream: UpstreamClient, redactor: Redactor, forwarded: Forwarded, request: Request, response: Response): Promise<void> {
  const call = upstreamCallFor(request, response, String(request.id));
  const allowed = forwarded.query ?? new Set<string>();
  const query = [...clientQuery(request)].filter(([name]) => allowed.has(name));
  const reply = await upstream.forward(
    forwarded.method,
    forwarded.path,
    {
      body: forwarded.withBody ? request.body : undefined,
      query,
      accept: forwarded.stream ? 'text/event-stream' : 'application/json',
    },
    call,
  );
  response.status(reply.status);
  // setHeader, not set(): Express would add a charset to the upstream's content type.
  for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
  if (reply.body instanceof Uint8Array) {
    response.end(reply.body);
    return;
  }
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('x-accel-buffering', 'no');
  response.flushHeaders();
  try {
    // pipeline waits for `drain` when the client reads slowly, and cancels the upstream body when it leaves.
    await pipeline(Readable.fromWeb(reply.body as NodeReadableStream<Uint8Array>), redacting(redactor, call.authorization), response);
  } catch (error) {
    // Already destroyed by pipeline: the client sees the stream break off, as it would upstream.
    if (!call.presence.gone) request.log.warn({ err: error }, 'upstream event stream broke off');
  }
}

/** An event's error may quote a key: scrubbed on the way, holding back only what could begin one. */
function redacting(redactor: Redactor, authorization: string | undefined): Transform {
  const scrub = redactor.stream(authorization);
  return new Transform({
    transform(piece: Buffer, _encoding, done) {
      const out = scrub.push(piece);
      done(null, out.length > 0 ? out : undefined);
    },
    flush(done) {
      const rest = scrub.end();
      done(null, rest.length > 0 ? rest : undefined);
    },
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
  // URL parsing resolves `.` and `..` even when sent as %2E, and a decoded `/` adds a segment:
  // either would reach another upstream path.
  if (id === '' || id === '.' || id === '..' || id.includes('/')) {
    throw new InvalidRequestError(`Response with id '${id}' not found.`, { status: 404 });
  }
  return encodeURIComponent(id);
}
