/**
 * Node's own limits on receiving a request, derived from BODY_TIMEOUT_MS. In Node 18 and later,
 * `requestTimeout` runs from the first byte of a request until the last byte of its body has been
 * received, and `headersTimeout` until its headers have; neither counts the answer, nor the idle
 * time of a kept-alive connection between two requests. So a reasoning model may think for as long
 * as UPSTREAM_TIMEOUT_MS allows: response time is not request time.
 *
 * The body deadline of `read-body.ts` answers first, with a 408 in the OpenAI shape: it starts once
 * the headers are in, so it always falls before `requestTimeout`. Node's limit is the backstop for
 * bodies the adapter never reads (a refused key, an unknown route), answered with Node's bare 408.
 */
import type { ServerOptions } from 'node:http';

/** Node's own default: headers slower than this are an attack, whatever the body may take. */
const LONGEST_HEADERS_TIMEOUT_MS = 60_000;
/** Node's default period of its timeout checks, the longest used here. */
const LONGEST_CHECK_INTERVAL_MS = 30_000;
const SHORTEST_CHECK_INTERVAL_MS = 250;
/** Longer than the 60 s idle timeout of common load balancers, so they close idle connections first. */
const KEEP_ALIVE_TIMEOUT_MS = 61_000;

export function serverTimeouts(bodyTimeoutMs: number): ServerOptions {
  const headersTimeout = Math.min(bodyTimeoutMs, LONGEST_HEADERS_TIMEOUT_MS);
  return {
    headersTimeout,
    requestTimeout: headersTimeout + bodyTimeoutMs,
    // Node checks its timeouts this often, so a limit fires up to this much late.
    connectionsCheckingInterval: Math.min(LONGEST_CHECK_INTERVAL_MS, Math.max(SHORTEST_CHECK_INTERVAL_MS, Math.round(headersTimeout / 2))),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  };
}
