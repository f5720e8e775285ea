/**
 * The one error type of everything the adapter answers with, split by who is at fault, and the
 * codes the adapter itself mints. Rendered in the OpenAI error shape by the HTTP layer; nothing
 * here knows HTTP beyond the status number.
 */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Who caused the failure: the caller's request, the upstream, or the adapter itself. */
export type Fault = 'client' | 'upstream' | 'adapter';

/** Codes of failures the adapter detects in the upstream (metrics label them by name). */
export const UPSTREAM_FAULT_CODES = [
  'upstream_unreachable',
  'upstream_timeout',
  'upstream_idle_timeout',
  'upstream_protocol_error',
  'upstream_stream_truncated',
  'upstream_stream_broken',
  'upstream_connection_broken',
  'upstream_redirect',
  'upstream_cancelled',
  'upstream_too_large',
] as const;
export type UpstreamFaultCode = (typeof UPSTREAM_FAULT_CODES)[number];

/** Every code the adapter mints; upstream errors keep the upstream's own codes. */
export type AdapterCode =
  | UpstreamFaultCode
  /** The upstream's HTTP error had no JSON body: its status and a summary of the page. */
  | 'upstream_error'
  | 'unknown_parameter'
  | 'unsupported_parameter'
  | 'missing_required_parameter'
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_api_key'
  | 'model_not_found'
  | 'request_too_large'
  | 'request_timeout'
  | 'unknown_url'
  | 'client_closed'
  /** The adapter is draining for a shutdown (503, `connection: close`). */
  | 'shutting_down'
  /** MAX_CONCURRENT_UPSTREAM reached: a 429 before any upstream call. */
  | 'adapter_concurrency_limit'
  /** The shared state store (REDIS_URL) cannot be reached, for an operation that needs it: a 503. */
  | 'state_store_unavailable'
  | 'internal_error';

interface ErrorFields {
  type?: string;
  param?: string | null;
  code?: string | null;
  /** Headers to send with the error (the upstream's rate-limit headers, `retry-after`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;
  readonly fault: Fault;

  constructor(status: number, message: string, fault: Fault, fields: ErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.status = status;
    this.fault = fault;
    this.type = fields.type ?? defaultType(status);
    this.param = fields.param ?? null;
    this.code = fields.code ?? null;
    this.headers = fields.headers ?? {};
  }

  /** The same error (same class, status and cause) with some fields changed. */
  with(changes: { message?: string; type?: string; param?: string | null; code?: string | null }): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    Object.assign(copy, changes);
    return copy;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** The caller's request cannot be served as sent (400 unless said otherwise). */
export class InvalidRequestError extends ApiError {
  constructor(message: string, fields: ErrorFields & { status?: number; code?: AdapterCode | null } = {}) {
    super(fields.status ?? 400, message, 'client', { type: 'invalid_request_error', ...fields });
  }
}

/** The upstream's own error, with its status, message, type, param and code. */
export class UpstreamError extends ApiError {
  constructor(status: number, message: string, fields: ErrorFields = {}) {
    super(status, message, 'upstream', fields);
  }

  /** Worth another try by the client: the statuses the official SDKs retry. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

/**
 * The upstream did not keep to the protocol: unreachable, too slow, redirecting, malformed, cut
 * off. 502 (or 504 for time), with the adapter's own code.
 */
export class UpstreamProtocolError extends ApiError {
  constructor(message: string, code: UpstreamFaultCode, fields: Omit<ErrorFields, 'code'> & { status?: number } = {}) {
    super(fields.status ?? 502, message, 'upstream', { ...fields, code });
  }
}

/** A fault of the adapter itself: the client gets a generic 500, the log keeps the cause. */
export class InternalError extends ApiError {
  constructor(cause: unknown) {
    super(500, 'The adapter failed while handling the request.', 'adapter', { code: 'internal_error', cause });
  }
}

/**
 * The shared state store (Redis) did not answer, for an operation that cannot be served without
 * it (the stored-completions index): a 503 the SDKs retry. Operations that can do without state
 * (reasoning continuity) never see it: they degrade instead (see state/degrading-store.ts).
 */
export class StateUnavailableError extends ApiError {
  constructor(cause?: unknown) {
    super(503, "The adapter's state store (Redis) is unavailable; try again shortly.", 'adapter', {
      type: 'server_error',
      code: 'state_store_unavailable',
      headers: { 'retry-after': '1' },
      cause,
    });
  }
}

/** The client went away: nothing to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection.');
    this.name = 'ClientGoneError';
  }
}

/** The caller's request cannot be served as sent (400), naming the parameter. */
export function invalidRequest(message: string, param: string | null, code: AdapterCode | null = null): InvalidRequestError {
  return new InvalidRequestError(message, { param, code });
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
