/** One error type for everything the adapter answers with; rendered in the OpenAI error shape. */

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** Headers to send with the error (e.g. upstream rate-limit headers). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.type = options.type ?? defaultType(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  /** The same error naming another parameter. */
  withParam(param: string | null): HttpError {
    const copy = new HttpError(this.status, this.message, { type: this.type, param, code: this.code, headers: this.headers });
    copy.cause = this.cause;
    return copy;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** The caller's request cannot be served as sent (400). */
export function invalidRequest(message: string, param: string | null, code: string | null = null): HttpError {
  return new HttpError(400, message, { type: 'invalid_request_error', param, code });
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
