import type { Redactor } from '../redaction.js';
import { upstreamHeaders, type UpstreamCall } from './call.js';
import type { BodyConsumer, BodyControl, UpstreamTransport } from './transport.js';
import { isRedirect, passedBackHeaders, redirectError } from './upstream-errors.js';

export interface ForwardedRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the base URL, built from the route (ids already one encoded segment). */
  path: string;
  /** Query parameters to send, by name and value (only those the route allows). */
  query?: Array<[string, string]>;
  /** A JSON body, sent as parsed. */
  body?: unknown;
  accept: string;
}

export interface ForwardedReply {
  status: number;
  /** The headers worth passing on, with the upstream's `content-type`. */
  headers: Record<string, string>;
  /** A whole body (errors included, secrets redacted), or an event stream still flowing. */
  body: Buffer | { read(consumer: BodyConsumer): BodyControl; cancel(): void };
}

/**
 * Calls forwarded as they are (the Responses passthrough, `/models`): every upstream status comes
 * back with its body; only auth follows the adapter's rules. Redirects are a 502, never followed.
 */
export class PassthroughClient {
  constructor(
    private readonly transport: UpstreamTransport,
    private readonly apiKey: string | undefined,
    private readonly redactor: Redactor,
  ) {}

  async forward(request: ForwardedRequest, call: UpstreamCall): Promise<ForwardedReply> {
    const query = (request.query ?? []).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    const headers = upstreamHeaders(this.apiKey, call, request.accept);
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const reply = await this.transport.request(
      {
        method: request.method,
        path: query.length > 0 ? `${request.path}?${query.join('&')}` : request.path,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      },
      call.presence,
    );
    if (call.outcome) call.outcome.upstreamStatus = reply.status;
    if (isRedirect(reply.status)) {
      reply.cancel();
      throw redirectError(reply.status);
    }
    const passed = passedBackHeaders(reply.headers);
    const contentType = reply.headers['content-type'];
    if (typeof contentType === 'string') passed['content-type'] = contentType;
    if (contentType?.includes('text/event-stream')) {
      return { status: reply.status, headers: passed, body: { read: (consumer) => reply.stream(consumer), cancel: () => reply.cancel() } };
    }
    // Byte for byte, unless the body quotes a key (an error, or a failed Response).
    const body = Buffer.from(this.redactor.bytes(await reply.buffer(), call.authorization));
    return { status: reply.status, headers: passed, body };
  }
}
