/**
 * Upstream answers that are errors, read into the adapter's error type: the upstream's own error
 * body when it has one (its status, message, type, param and code), otherwise its status and a
 * summary of the page. Every reader here is linear in the size of what the upstream sent.
 */
import { UpstreamError, UpstreamProtocolError, type ApiError } from '../errors.js';

/** Upstream response headers worth passing on to the client. */
const PASSED_BACK_HEADERS = /^(x-ratelimit-|openai-processing-ms$|openai-version$|retry-after$|retry-after-ms$|x-should-retry$)/;

/** The headers of an upstream answer that the client should see too (rate limits, retry advice). */
export function passedBackHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && PASSED_BACK_HEADERS.test(name)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Redirects are not followed (they would drop the Authorization header or loop) nor passed on. */
export function redirectError(status: number): ApiError {
  return new UpstreamProtocolError(`The upstream answered with a redirect (HTTP ${status}); check UPSTREAM_BASE_URL.`, 'upstream_redirect');
}

/** The upstream's own error, with its status, message and code; a body that is not one is summarised. */
export function errorFromReply(status: number, headers: Record<string, string>, text: string): ApiError {
  if (isRedirect(status)) return redirectError(status);
  const parsed = parseErrorBody(text);
  if (parsed) {
    return new UpstreamError(status, parsed.message, { type: parsed.type ?? undefined, param: parsed.param ?? null, code: parsed.code ?? null, headers });
  }
  return new UpstreamError(status, `The upstream answered HTTP ${status}${summary(text)}.`, { code: 'upstream_error', headers });
}

/** Some relays answer errors (or ignore `stream`) with a 200: keep their message when there is one. */
export function protocolOrEmbeddedError(text: string, fallback: string): ApiError {
  const parsed = parseErrorBody(text);
  if (parsed) return new UpstreamError(502, parsed.message, { type: parsed.type ?? undefined, param: parsed.param ?? null, code: parsed.code ?? null });
  return new UpstreamProtocolError(fallback, 'upstream_protocol_error');
}

interface ErrorBody {
  message: string;
  type?: string | null;
  param?: string | null;
  code?: string | null;
}

function parseErrorBody(text: string): ErrorBody | undefined {
  const first = /\S/.exec(text.slice(0, 64))?.[0];
  if (first !== '{') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return { message: error };
  if (error === null || typeof error !== 'object') return undefined;
  const { message, type, param, code } = error as Record<string, unknown>;
  if (typeof message !== 'string') return undefined;
  return {
    message,
    type: typeof type === 'string' ? type : null,
    param: typeof param === 'string' ? param : null,
    code: typeof code === 'string' ? code : typeof code === 'number' ? String(code) : null,
  };
}

const SUMMARY_LENGTH = 200;

/**
 * The words of an error page: tags dropped, whitespace folded, 200 characters at most. One pass,
 * each `<` looks for its `>` once, and an unclosed tag ends the text: linear on any page (a
 * regular expression over unclosed tags is quadratic, and one such page froze the event loop).
 */
export function summary(text: string): string {
  let plain = '';
  let at = 0;
  while (at < text.length && plain.length < SUMMARY_LENGTH * 4) {
    const open = text.indexOf('<', at);
    if (open === -1) {
      plain += text.slice(at, at + SUMMARY_LENGTH * 4);
      break;
    }
    plain += `${text.slice(at, Math.min(open, at + SUMMARY_LENGTH * 4))} `;
    const close = text.indexOf('>', open);
    if (close === -1) break;
    at = close + 1;
  }
  const folded = plain.replace(/\s+/g, ' ').trim().slice(0, SUMMARY_LENGTH);
  return folded === '' ? '' : `: ${folded}`;
}
