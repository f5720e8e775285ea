import { UpstreamProtocolError } from '../errors.js';
import type { JsonReply, ResponsesUpstream, StreamReply } from '../serve/upstream-call.js';
import type { ResponsesRequest } from '../types/responses.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import { upstreamHeaders, type UpstreamCall } from './call.js';
import { requestBody } from './request-body.js';
import type { UpstreamReply, UpstreamTransport } from './transport.js';
import { errorFromReply, isRedirect, passedBackHeaders, protocolOrEmbeddedError } from './upstream-errors.js';

/** Told when each upstream call has its headers (the upstream latency metric, the request's outcome). */
export type HeadersObserver = (status: number, startedAt: number, call: UpstreamCall) => void;

/** `POST /responses`, as JSON or as an event stream, over the transport. */
export class ResponsesClient implements ResponsesUpstream {
  constructor(
    private readonly transport: UpstreamTransport,
    private readonly apiKey: string | undefined,
    private readonly observeHeaders: HeadersObserver = () => {},
  ) {}

  async createResponse(body: ResponsesRequest, call: UpstreamCall): Promise<JsonReply> {
    const reply = await this.post(body, call, 'application/json');
    const headers = passedBackHeaders(reply.headers);
    const text = (await reply.buffer()).toString('utf8');
    return { response: parseResponseObject(text), headers };
  }

  /** Resolves once the upstream has answered with the headers of an event stream. */
  async createResponseStream(body: ResponsesRequest, call: UpstreamCall): Promise<StreamReply> {
    const reply = await this.post(body, call, 'text/event-stream');
    const contentType = String(reply.headers['content-type'] ?? '');
    if (!contentType.includes('text/event-stream')) {
      const text = (await reply.buffer()).toString('utf8');
      throw protocolOrEmbeddedError(text, 'The upstream did not answer with an event stream.');
    }
    return {
      headers: passedBackHeaders(reply.headers),
      read: (consumer) => reply.stream(consumer),
      cancel: () => reply.cancel(),
    };
  }

  /** The reply of a successful (2xx) call; anything else is thrown as the client-facing error. */
  private async post(body: ResponsesRequest, call: UpstreamCall, accept: string): Promise<UpstreamReply> {
    const headers = upstreamHeaders(this.apiKey, call, accept);
    headers['content-type'] = 'application/json';
    const payload = await requestBody(body);
    const startedAt = performance.now();
    const reply = await this.transport.request({ method: 'POST', path: '/responses', headers, body: payload }, call.presence);
    this.observeHeaders(reply.status, startedAt, call);
    if (reply.status >= 200 && reply.status < 300) return reply;
    if (isRedirect(reply.status)) {
      reply.cancel();
      throw errorFromReply(reply.status, {}, '');
    }
    const text = (await reply.buffer()).toString('utf8');
    throw errorFromReply(reply.status, passedBackHeaders(reply.headers), text);
  }
}

/**
 * A 200 body as a Response object. Anything else is a 502: translating it would hand the client
 * an empty success (`{}`, `[]`) or fail inside the translator as a 500.
 */
export function parseResponseObject(text: string): UpstreamResponse {
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
