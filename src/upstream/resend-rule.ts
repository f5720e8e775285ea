/**
 * When a failed upstream request may be sent again (issue 12, item 6): only when it cannot have
 * reached the upstream. A POST the upstream took in and then dropped must not be resent: it would
 * be billed twice, and the client would be shown the second generation as if it were the first.
 *
 * 1. Never written (`unsent`): the request failed before undici put it on a socket. The connection
 *    was refused, the name did not resolve, the connect timed out, or the pooled socket it was
 *    waiting for died first (undici fails the requests queued on a connection whose connect fails,
 *    and re-dispatches those queued behind a socket that closed; either way nothing was written).
 * 2. A stale pooled socket (`stale-socket`): written on a kept-alive socket that had carried an
 *    earlier request, closed (reset, or "other side closed") before the first byte of any answer,
 *    and within a round trip of the write. That is an upstream that closed the idle connection as
 *    our request went out: its FIN crossed our request, and its kernel answered the request with a
 *    reset. undici checks an idle socket for a pending close before writing on it, so only this race
 *    is left. A reset that comes later, or on a fresh socket, is an upstream that received the
 *    request and dropped it while working on it: reported, never resent.
 *
 * 3. A streamed body (an upload piped through as it arrives) is resent only when it was never
 *    written: once undici has begun to read it, the bytes it took are gone, and a second attempt
 *    would send the rest as if it were the whole.
 *
 * The round trip is estimated by the socket's connect time (a TCP handshake is one round trip, TLS
 * adds one or two), doubled, plus slack for the event loop; capped so that an upstream that took the
 * request in and reset it a second later is never resent. A late-noticed stale reset (a busy event
 * loop) is reported rather than resent: the safe side.
 */
import { errorCode } from './transport-errors.js';

/** Scheduling slack added to the round-trip estimate: timers and I/O callbacks of a loaded loop. */
const STALE_SLACK_MS = 100;
/** Past this, a reset is never taken for a stale socket, whatever the round-trip estimate. */
const STALE_WINDOW_MAX_MS = 1_000;

/** What one attempt knows about how it went out (kept by the transport's call). */
export interface AttemptRecord {
  /** undici started writing the request on a socket (`onRequestStart`). */
  readonly written: boolean;
  /** That socket had carried an earlier request. */
  readonly reusedSocket: boolean;
  /** Any byte of an answer arrived. */
  readonly responseBegun: boolean;
  /** `performance.now()` when the write began. */
  readonly writtenAt: number;
  /** See `staleWindowFor`. */
  readonly staleWindowMs: number;
  /** The body is a stream, read as it is sent: it cannot be sent again once written. */
  readonly streamedBody: boolean;
}

export type ResendReason = 'unsent' | 'stale-socket';

/** Codes of a socket that closed under a request. */
const SOCKET_CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Failures of the transport itself, not of the network: never resent. */
const OWN_FAILURE_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_DESTROYED', 'UND_ERR_CLOSED', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** Why the failed attempt may be sent again, or null when it must not be. */
export function resendReason(error: unknown, attempt: AttemptRecord): ResendReason | null {
  const code = errorCode(error);
  if (!attempt.written) return code !== undefined && OWN_FAILURE_CODES.has(code) ? null : 'unsent';
  if (attempt.streamedBody) return null;
  if (!attempt.reusedSocket || attempt.responseBegun) return null;
  if (code === undefined || !SOCKET_CLOSED_CODES.has(code)) return null;
  return performance.now() - attempt.writtenAt <= attempt.staleWindowMs ? 'stale-socket' : null;
}

/** How soon after the write a reset still counts as the race of a stale socket. */
export function staleWindowFor(connectMs: number): number {
  return Math.min(STALE_WINDOW_MAX_MS, STALE_SLACK_MS + 2 * connectMs);
}

/** Connection failures back off (100 ms, 200 ms, …); a stale socket is resent at once on a new one. */
export function resendDelayMs(reason: ResendReason, resendsSoFar: number): number {
  return reason === 'stale-socket' ? 0 : 100 * 2 ** resendsSoFar;
}
