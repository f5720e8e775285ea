/**
 * CORS for browser clients (CORS_ORIGINS, issue 11): a chat UI, an editor webview, the SDK with
 * `dangerouslyAllowBrowser`. Runs in the front dispatcher, before any route, so the chat route on
 * plain node:http gets it too; without CORS_ORIGINS there is no handler at all.
 *
 * - A preflight (`OPTIONS` with `access-control-request-method`) from an allowed origin is answered
 *   here with a 204, without a key: browsers send preflights without credentials. The requested
 *   headers are allowed by name, since a bare `*` does not cover `Authorization`.
 * - Any other request from an allowed origin gets `access-control-allow-origin` set to that origin
 *   (never a bare `*`, also with CORS_ORIGINS=*) and the headers a client reads exposed.
 * - Origins not listed get no CORS headers: the browser keeps the answer from the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answered to a preflight; the adapter serves no other methods. */
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_S = '7200';
/** What clients read from answers: the request id, dropped parameters, rate limits and retry advice, file names. */
const EXPOSED_HEADERS = [
  'x-request-id',
  'x-adapter-warnings',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'openai-processing-ms',
  'openai-version',
  'content-disposition',
].join(', ');
/** A header list as browsers send it: tokens separated by commas. Anything else is not echoed. */
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

/** Sets the CORS headers of a request; true when it answered the request (a preflight) itself. */
export type CorsHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The handler for CORS_ORIGINS, or undefined when no origin is allowed (nothing to do per request). */
export function corsHandler(origins: '*' | readonly string[]): CorsHandler | undefined {
  if (origins !== '*' && origins.length === 0) return undefined;
  const allowed = origins === '*' ? undefined : new Set(origins);
  return function applyCors(request, response) {
    const origin = request.headers.origin;
    // The answer depends on the origin: caches must keep one per origin.
    response.setHeader('vary', 'origin');
    if (origin === undefined || (allowed !== undefined && !allowed.has(origin))) return false;
    response.setHeader('access-control-allow-origin', origin);
    const method = request.headers['access-control-request-method'];
    if (request.method !== 'OPTIONS' || method === undefined) {
      response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      return false;
    }
    response.statusCode = 204;
    response.setHeader('vary', 'origin, access-control-request-method, access-control-request-headers');
    response.setHeader('access-control-allow-methods', ALLOWED_METHODS);
    const headers = request.headers['access-control-request-headers']?.trim();
    if (headers !== undefined && HEADER_LIST.test(headers)) response.setHeader('access-control-allow-headers', headers);
    response.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE_S);
    response.setHeader('content-length', '0');
    response.end();
    return true;
  };
}
