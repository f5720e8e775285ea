/**
 * Every other `/v1/*` call (embeddings, files and uploads, audio, images, legacy completions,
 * batches, vector stores, whatever the upstream adds) forwarded as it is, streamed both ways: the
 * client's body is sent as it arrives, and the upstream's answer is handed on as it comes. Only auth
 * follows the adapter's rules (`upstreamHeaders`), and only the headers that describe the body or the
 * API's own options travel; nothing that identifies the client, nothing hop-by-hop.
 */
import type { Readable } from 'node:stream';
import type { Redactor } from '../redaction.js';
import { upstreamHeaders, type UpstreamCall } from './call.js';
import type { BodyConsumer, BodyControl, UpstreamTransport } from './transport.js';
import { isRedirect, redirectError } from './upstream-errors.js';

export interface StreamedForward {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query after the base URL, already rebuilt and encoded (see `forwarded-target.ts`). */
  path: string;
  /** The client's `accept`, `content-type` and `openai-beta` (the API's feature switch), when sent. */
  clientHeaders: { accept?: string; 'content-type'?: string; 'openai-beta'?: string };
  body?: { stream: Readable; contentLength: string | undefined };
}

export interface StreamedReply {
  status: number;
  /** The upstream's headers that matter to the client (see `PASSED_BACK`). */
  headers: Record<string, string>;
  /**
   * An error answer (status 400 and up) whole, bounded and with secrets redacted; or a success
   * body still flowing, to be read once.
   */
  body: Buffer | { read(consumer: BodyConsumer): BodyControl; cancel(): void };
}

/**
 * What describes the body (type, length, file name), rate limits and retry advice, and the API's
 * own `openai-*` headers (version, processing time).
 */
const PASSED_BACK = /^(?:content-type|content-length|content-disposition|openai-[a-z0-9-]+|x-ratelimit-[a-z0-9-]+|retry-after|retry-after-ms|x-should-retry)$/;
/** They name the operator's account: passed back only when the client's own key was used. */
const ACCOUNT_HEADERS = new Set(['openai-organization', 'openai-project']);

export class StreamedPassthrough {
  constructor(
    private readonly transport: UpstreamTransport,
    private readonly apiKey: string | undefined,
    private readonly redactor: Redactor,
  ) {}

  async forward(request: StreamedForward, call: UpstreamCall): Promise<StreamedReply> {
    const { accept = '*/*', 'content-type': contentType, 'openai-beta': beta } = request.clientHeaders;
    const headers = upstreamHeaders(this.apiKey, call, accept);
    if (beta !== undefined) headers['openai-beta'] = beta;
    if (request.body !== undefined) {
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (request.body.contentLength !== undefined) headers['content-length'] = request.body.contentLength;
    }
    const reply = await this.transport.request({ method: request.method, path: request.path, headers, body: request.body?.stream }, call.presence);
    if (isRedirect(reply.status)) {
      reply.cancel();
      throw redirectError(reply.status);
    }
    const passed: Record<string, string> = {};
    for (const name in reply.headers) {
      const value = reply.headers[name];
      if (value === undefined || !PASSED_BACK.test(name) || (this.apiKey !== undefined && ACCOUNT_HEADERS.has(name))) continue;
      passed[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    if (reply.status < 400) {
      return { status: reply.status, headers: passed, body: { read: (consumer) => reply.stream(consumer), cancel: () => reply.cancel() } };
    }
    // An error may quote a key (some relays do): read whole (the transport bounds it) and redacted.
    const body = Buffer.from(this.redactor.bytes(await reply.buffer(), call.authorization));
    passed['content-length'] = String(body.length);
    return { status: reply.status, headers: passed, body };
  }
}
