import { ApiError, ClientGoneError, UpstreamError, UpstreamProtocolError } from '../errors.js';
import type { Redactor } from '../redaction.js';
import type { StreamReply } from '../serve/upstream-call.js';
import type { BodyConsumer } from './body.js';
import type { Presence, UpstreamCall } from './call.js';
import type { ResponsesRequest } from '../types/responses.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';

export type Fetch = typeof globalThis.fetch;

export interface UpstreamOptions {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: Fetch;
  timeoutMs: number;
  retries: number;
  /** Scrubs secrets from the bodies passed on as they are (errors are scrubbed where they are rendered). */
  redactor: Redactor;
}

export type CallOptions = UpstreamCall;

/** Upstream response headers worth passing on to the client. */
const PASSED_BACK_HEADERS = /^(x-ratelimit-|openai-processing-ms$|openai-version$|retry-after$)/;


/** Talks HTTP to the Responses API upstream: auth, timeouts, aborts, retries, error bodies. */
export class UpstreamClient {
  constructor(private readonly options: UpstreamOptions) {}

  /** `POST /responses` without streaming: the finished Response object. */
  async createResponse(body: ResponsesRequest, call: CallOptions): Promise<{ response: UpstreamResponse; headers: Record<string, string> }> {
    const timeout = new Deadline(this.options.timeoutMs, call.presence);
    try {
      const reply = await this.post('/responses', body, call, timeout.signal);
      const response = parseResponseObject(await readBody(() => reply.text(), timeout.signal));
      return { response, headers: passedBackHeaders(reply.headers) };
    } catch (error) {
      throw timeout.explain(error);
    } finally {
      timeout.clear();
    }
  }

  /**
   * `POST /responses` with `stream: true`: resolves once the upstream has answered with headers.
   * The caller reads the body and watches idle time itself.
   */
  async createResponseStream(body: ResponsesRequest, call: CallOptions): Promise<StreamReply> {
    const timeout = new Deadline(this.options.timeoutMs, call.presence);
    try {
      // The deadline's signal stays live after the headers (client aborts still end the body); only its timer stops.
      const reply = await this.post('/responses', body, call, timeout.signal);
      if (!reply.body) throw new UpstreamProtocolError('The upstream answered without a body.', 'upstream_protocol_error');
      const contentType = reply.headers.get('content-type') ?? '';
      if (!contentType.includes('text/event-stream')) {
        const text = await reply.text();
        throw protocolOrEmbeddedError(text, 'The upstream did not answer with an event stream.');
      }
      return pushedStream(reply.body, passedBackHeaders(reply.headers), call.presence);
    } catch (error) {
      throw timeout.explain(error);
    } finally {
      timeout.clear();
    }
  }

  /** A plain GET forwarded as it is (used for `/models`). */
  async get(path: string, call: CallOptions): Promise<{ status: number; body: string; contentType: string }> {
    const timeout = new Deadline(this.options.timeoutMs, call.presence);
    try {
      const reply = await this.send(path, { method: 'GET', headers: this.headers(call, 'application/json') }, timeout.signal, call.presence);
      if (isRedirect(reply.status)) throw redirectError(reply);
      const body = await readBody(() => reply.text(), timeout.signal);
      return {
        status: reply.status,
        // Passed on as it is, so a body quoting a key is the one place to scrub it.
        body: this.options.redactor.text(body, call.authorization),
        contentType: reply.headers.get('content-type') ?? 'application/json',
      };
    } catch (error) {
      throw timeout.explain(error);
    } finally {
      timeout.clear();
    }
  }

  private async post(
    path: string,
    body: ResponsesRequest,
    call: CallOptions,
    signal: AbortSignal,
  ): Promise<Response> {
    const accept = body.stream ? 'text/event-stream' : 'application/json';
    const headers = { ...this.headers(call, accept), 'content-type': 'application/json' };
    const reply = await this.send(path, { method: 'POST', headers, body: JSON.stringify(body) }, signal, call.presence);
    if (!reply.ok) throw await errorFromReply(reply);
    return reply;
  }

  /** fetch with retries for calls that failed before any response (refused, reset, DNS). */
  private async send(path: string, init: RequestInit, signal: AbortSignal, presence: Presence): Promise<Response> {
    const url = `${this.options.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.fetch(url, { ...init, signal, redirect: 'manual' });
      } catch (error) {
        if (signal.aborted || presence.gone || attempt >= this.options.retries) throw error;
        await delay(100 * 2 ** attempt);
      }
    }
  }

  private headers(call: CallOptions, accept: string): Record<string, string> {
    const headers: Record<string, string> = { accept, 'x-client-request-id': call.requestId };
    if (this.options.apiKey) {
      headers.authorization = `Bearer ${this.options.apiKey}`;
    } else {
      if (call.authorization) headers.authorization = call.authorization;
      Object.assign(headers, call.forwardedHeaders);
    }
    return headers;
  }

  /**
   * A call forwarded as it is (the `/v1/responses` passthrough): every upstream status comes back
   * with the headers worth passing on, `content-type` and the body. An event stream is returned
   * still streaming (the deadline covers its headers); any other body is read within the deadline.
   */
  async forward(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    request: { body?: unknown; query?: Array<[string, string]>; accept: string },
    call: CallOptions,
  ): Promise<{ status: number; headers: Record<string, string>; body: ReadableStream<Uint8Array> | Uint8Array }> {
    const timeout = new Deadline(this.options.timeoutMs, call.presence);
    const query = (request.query ?? []).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    const headers = this.headers(call, request.accept);
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const reply = await this.send(
        query.length > 0 ? `${path}?${query.join('&')}` : path,
        { method, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body) },
        timeout.signal,
        call.presence,
      );
      if (isRedirect(reply.status)) throw redirectError(reply);
      const passed = passedBackHeaders(reply.headers);
      const contentType = reply.headers.get('content-type');
      if (contentType !== null) passed['content-type'] = contentType;
      if (reply.body && contentType?.includes('text/event-stream')) return { status: reply.status, headers: passed, body: reply.body };
      const body = new Uint8Array(await readBody(() => reply.arrayBuffer(), timeout.signal));
      // Byte for byte, unless the body quotes a key (an error, or a failed Response).
      return { status: reply.status, headers: passed, body: this.options.redactor.bytes(body, call.authorization) };
    } catch (error) {
      throw timeout.explain(error);
    } finally {
      timeout.clear();
    }
  }
}

/** A timer that aborts a call and lets us tell a timeout from a client abort or a network failure. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private timedOut = false;
  /** Aborted by the timer or by the client. */
  readonly signal = this.controller.signal;

  constructor(private readonly ms: number, private readonly presence: Presence) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
    const gone = new ClientGoneError();
    if (presence.gone) this.controller.abort(gone);
    else presence.onGone(() => this.controller.abort(gone));
  }

  /** Stops the timer; client aborts still reach `signal` (a stream body outlives its deadline). */
  clear(): void {
    clearTimeout(this.timer);
  }

  explain(error: unknown): unknown {
    if (error instanceof ApiError) return error;
    if (this.timedOut && !this.presence.gone) {
      return new UpstreamProtocolError(`The upstream did not answer within ${this.ms} ms.`, 'upstream_timeout', { status: 504 });
    }
    if (this.presence.gone) return new ClientGoneError();
    return new UpstreamProtocolError(`Could not reach the upstream: ${networkReason(error)}.`, 'upstream_unreachable', { cause: error });
  }
}

function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/** The upstream's own error, with its status, message and code; a non-JSON body is summarised. */
export async function errorFromReply(reply: Response): Promise<ApiError> {
  if (isRedirect(reply.status)) return redirectError(reply);
  const text = await reply.text().catch(() => '');
  const headers = passedBackHeaders(reply.headers);
  const parsed = parseErrorBody(text);
  if (parsed) {
    return new UpstreamError(reply.status, parsed.message, {
      type: parsed.type ?? undefined,
      param: parsed.param ?? null,
      code: parsed.code ?? null,
      headers,
    });
  }
  return new UpstreamError(reply.status, `The upstream answered HTTP ${reply.status}${summary(text)}.`, {
    code: 'upstream_error',
    headers,
  });
}

/**
 * A 200 body as a Response object. Anything else is a 502: translating it would hand the client
 * an empty success (`{}`, `[]`) or fail inside the translator as a 500.
 */
function parseResponseObject(text: string): UpstreamResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UpstreamProtocolError('The upstream answered with a body that is not JSON.', 'upstream_protocol_error');
  }
  const output = typeof body === 'object' && body !== null ? (body as { output?: unknown }).output : undefined;
  if (Array.isArray(output)) return body as UpstreamResponse;
  throw protocolOrEmbeddedError(text, 'The upstream answered with a body that is not a Response object.');
}

/**
 * The body of an answer that has begun. A failure here is not "unreachable": the upstream answered
 * and the connection broke (not retried: the upstream may already have done the work). Aborts are
 * left for the caller's Deadline to explain (timeout or client gone).
 */
async function readBody<Body>(read: () => Promise<Body>, signal: AbortSignal): Promise<Body> {
  try {
    return await read();
  } catch (error) {
    if (signal.aborted) throw error;
    throw new UpstreamProtocolError('The upstream connection broke while it was sending the response.', 'upstream_connection_broken', {
      cause: error,
    });
  }
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Redirects are not followed (they would drop the Authorization header or loop) nor passed on. */
function redirectError(reply: Response): ApiError {
  return new UpstreamProtocolError(`The upstream answered with a redirect (HTTP ${reply.status}); check UPSTREAM_BASE_URL.`, 'upstream_redirect');
}

/** Some relays answer errors (or ignore `stream`) with a 200: keep their message when there is one. */
function protocolOrEmbeddedError(text: string, fallback: string): ApiError {
  const parsed = parseErrorBody(text);
  if (parsed) return new UpstreamError(502, parsed.message, { type: parsed.type ?? undefined, param: parsed.param ?? null, code: parsed.code ?? null });
  return new UpstreamProtocolError(fallback, 'upstream_protocol_error');
}

function parseErrorBody(text: string): { message: string; type?: string | null; param?: string | null; code?: string | null } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    const error = body?.error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      const { message, type, param, code } = error as Record<string, unknown>;
      return {
        message: message as string,
        type: typeof type === 'string' ? type : null,
        param: typeof param === 'string' ? param : null,
        code: typeof code === 'string' ? code : typeof code === 'number' ? String(code) : null,
      };
    }
    if (typeof error === 'string') return { message: error };
  } catch {
    // not JSON
  }
  return undefined;
}

function summary(text: string): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return plain === '' ? '' : `: ${plain}`;
}

/** A fetch body pushed to a consumer, as the pipeline reads every upstream body. */
function pushedStream(body: ReadableStream<Uint8Array>, headers: Record<string, string>, presence: Presence): StreamReply {
  const reader = body.getReader();
  let cancelled = false;
  let resume: (() => void) | undefined;
  const pump = async (consumer: BodyConsumer): Promise<void> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) {
          consumer.end();
          return;
        }
        if (consumer.data(Buffer.from(value.buffer, value.byteOffset, value.byteLength)) === false) {
          await new Promise<void>((resolve) => (resume = resolve));
        }
      }
    } catch (error) {
      if (cancelled) return;
      consumer.error(
        presence.gone
          ? new ClientGoneError()
          : new UpstreamProtocolError('The upstream connection broke during the stream.', 'upstream_stream_broken', { cause: error }),
      );
    }
  };
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    resume?.();
    reader.cancel().catch(() => {});
  };
  return {
    headers,
    read(consumer) {
      void pump(consumer);
      return {
        resume: () => {
          const waiting = resume;
          resume = undefined;
          waiting?.();
        },
        cancel,
      };
    },
    cancel,
  };
}

function passedBackHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (PASSED_BACK_HEADERS.test(name)) out[name] = value;
  });
  return out;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
