import { UpstreamProtocolError } from '../errors.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import { upstreamHeaders, type UpstreamCall } from './call.js';
import type { UpstreamTransport } from './transport.js';
import { errorFromReply, isRedirect, passedBackHeaders, protocolOrEmbeddedError } from './upstream-errors.js';

/** One item of `GET /responses/{id}/input_items`, read leniently (a message, a tool call, its output...). */
export type UpstreamInputItem = Record<string, unknown>;

/** Pages of input items read at most, 100 items each: a runaway upstream cursor ends as a 502. */
const MAX_INPUT_PAGES = 1000;

/**
 * The stored Responses behind stored chat completions: retrieve, input items and delete. Errors
 * come back as the upstream said them (a 404 for an id it does not hold); ids must already be one
 * encoded path segment.
 */
export class StoredResponsesClient {
  constructor(
    private readonly transport: UpstreamTransport,
    private readonly apiKey: string | undefined,
  ) {}

  async retrieve(responseSegment: string, call: UpstreamCall): Promise<UpstreamResponse> {
    const body = await this.json('GET', `/responses/${responseSegment}`, call);
    if (!Array.isArray((body as { output?: unknown } | null)?.output)) {
      throw protocolOrEmbeddedError(JSON.stringify(body), 'The upstream answered with a body that is not a Response object.');
    }
    return body as UpstreamResponse;
  }

  /** Every input item of the Response, oldest first, read page by page. */
  async inputItems(responseSegment: string, call: UpstreamCall): Promise<UpstreamInputItem[]> {
    const items: UpstreamInputItem[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_INPUT_PAGES; page++) {
      const query = `limit=100&order=asc${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
      const body = (await this.json('GET', `/responses/${responseSegment}/input_items?${query}`, call)) as {
        data?: unknown;
        has_more?: unknown;
        last_id?: unknown;
      } | null;
      if (!Array.isArray(body?.data)) throw new UpstreamProtocolError('The upstream answered input items with a body that is not a list.', 'upstream_protocol_error');
      for (const item of body.data) if (typeof item === 'object' && item !== null) items.push(item as UpstreamInputItem);
      if (body.has_more !== true) return items;
      const last = typeof body.last_id === 'string' ? body.last_id : (body.data.at(-1) as { id?: unknown } | undefined)?.id;
      // A cursor that does not move on would loop for ever.
      if (typeof last !== 'string' || last === after) break;
      after = last;
    }
    throw new UpstreamProtocolError('The upstream kept paging input items without end.', 'upstream_protocol_error');
  }

  async delete(responseSegment: string, call: UpstreamCall): Promise<void> {
    await this.json('DELETE', `/responses/${responseSegment}`, call);
  }

  /** The parsed body of a 2xx answer; anything else is thrown as the client-facing error. */
  private async json(method: 'GET' | 'DELETE', path: string, call: UpstreamCall): Promise<unknown> {
    const headers = upstreamHeaders(this.apiKey, call, 'application/json');
    const reply = await this.transport.request({ method, path, headers }, call.presence);
    if (call.outcome) call.outcome.upstreamStatus = reply.status;
    if (isRedirect(reply.status)) {
      reply.cancel();
      throw errorFromReply(reply.status, {}, '');
    }
    const text = (await reply.buffer()).toString('utf8');
    if (reply.status < 200 || reply.status >= 300) throw errorFromReply(reply.status, passedBackHeaders(reply.headers), text);
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamProtocolError('The upstream answered with a body that is not JSON.', 'upstream_protocol_error');
    }
  }
}
