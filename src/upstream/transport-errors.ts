/** The errors the upstream transport fails with, in the wording the rest of the adapter pins. */
import { errors } from 'undici';
import { InternalError, UpstreamProtocolError } from '../errors.js';

/**
 * Failures to find or connect to the host: without the host and the setting that names it,
 * "ENOTFOUND" does not say which setting is wrong (issue 11).
 */
const CONNECT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The upstream a connection error is about: its host (with the port when one is given), and the setting that names it. */
export interface UpstreamName {
  host: string;
  setting?: string;
}

/** Why a call got no answer, from undici's error for its last attempt. */
export function unanswered(error: Error, timeoutMs: number, upstream: UpstreamName): Error {
  const code = errorCode(error) ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return timedOut(timeoutMs);
  // undici's parser errors carry an HPE_ code only when llhttp names the failure.
  if (error instanceof errors.HTTPParserError || code.startsWith('HPE_') || code === 'UND_ERR_HEADERS_OVERFLOW') return notHttp(error);
  // Headers undici refuses (a control character in a forwarded value, say): ours to fix, not the upstream's.
  if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') return new InternalError(error);
  return unreachable(error, upstream);
}

/** No answer: the connection failed (`ENOTFOUND api.example.com (UPSTREAM_BASE_URL)`), or closed before any response. */
export function unreachable(cause: unknown, upstream: UpstreamName): UpstreamProtocolError {
  const code = errorCode(cause);
  const named = `${upstream.host}${upstream.setting === undefined ? '' : ` (${upstream.setting})`}`;
  const reason = code === undefined ? messageOf(cause) : CONNECT_CODES.has(code) ? `${code} ${named}` : code;
  return new UpstreamProtocolError(`Could not reach the upstream: ${reason}.`, 'upstream_unreachable', { cause });
}

/** Something answered, but not with HTTP/1.1 (a TLS port spoken to in plain HTTP, say). */
export function notHttp(cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError(`The upstream did not answer in HTTP/1.1 (${messageOf(cause)}).`, 'upstream_protocol_error', { cause });
}

export function timedOut(timeoutMs: number): UpstreamProtocolError {
  return new UpstreamProtocolError(`The upstream did not answer within ${timeoutMs} ms.`, 'upstream_timeout', { status: 504 });
}

/**
 * The body of a buffered read broke off after the headers. Never resent: the upstream has
 * answered, so it has done the work.
 */
export function connectionBroken(cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError('The upstream connection broke while it was sending the response.', 'upstream_connection_broken', { cause });
}

/** The same, for a body being streamed. */
export function streamBroken(cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError('The upstream connection broke during the stream.', 'upstream_stream_broken', { cause });
}

export function tooLarge(limit: number): UpstreamProtocolError {
  return new UpstreamProtocolError(`The upstream answer is larger than ${limit} bytes.`, 'upstream_too_large');
}

export function undecodable(coding: string | string[]): UpstreamProtocolError {
  return new UpstreamProtocolError(
    `The upstream answered with content-encoding "${String(coding)}", which the adapter cannot decode.`,
    'upstream_protocol_error',
  );
}

export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
