/**
 * The calls on a stored Response that a background run needs: retrieve it (as JSON, or its events
 * after a sequence number), cancel it, delete it (REFERENCE §5.3). Each is a short call within the
 * transport's deadline; errors are the upstream's own, as for `POST /responses`.
 */
import type { BackgroundUpstream } from '../serve/background-upstream.js';
import type { StreamReply } from '../serve/upstream-call.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import { upstreamHeaders, type UpstreamCall } from './call.js';
import { parseResponseObject } from './responses-client.js';
import type { UpstreamReply, UpstreamRequest, UpstreamTransport } from './transport.js';
import { errorFromReply, isRedirect, passedBackHeaders, protocolOrEmbeddedError } from './upstream-errors.js';

export class ResponseRunsClient implements BackgroundUpstream {
  constructor(
    private readonly transport: UpstreamTransport,
    private readonly apiKey: string | undefined,
  ) {}

  async retrieve(id: string, include: readonly string[], call: UpstreamCall): Promise<UpstreamResponse> {
    const query = include.map((name) => `include[]=${encodeURIComponent(name)}`).join('&');
    const reply = await this.send('GET', `${pathOf(id)}${query === '' ? '' : `?${query}`}`, call, 'application/json');
    return parseResponseObject((await reply.buffer()).toString('utf8'));
  }

  async retrieveStream(id: string, startingAfter: number, call: UpstreamCall): Promise<StreamReply> {
    const reply = await this.send('GET', `${pathOf(id)}?stream=true&starting_after=${startingAfter}`, call, 'text/event-stream');
    if (!String(reply.headers['content-type'] ?? '').includes('text/event-stream')) {
      throw protocolOrEmbeddedError((await reply.buffer()).toString('utf8'), 'The upstream did not answer with an event stream.');
    }
    return { headers: passedBackHeaders(reply.headers), read: (consumer) => reply.stream(consumer), cancel: () => reply.cancel() };
  }

  async cancel(id: string, call: UpstreamCall): Promise<void> {
    const reply = await this.send('POST', `${pathOf(id)}/cancel`, call, 'application/json');
    await reply.buffer();
  }

  async delete(id: string, call: UpstreamCall): Promise<void> {
    const reply = await this.send('DELETE', pathOf(id), call, 'application/json');
    await reply.buffer();
  }

  /** The reply of a successful (2xx) call; anything else is thrown as the upstream's error. */
  private async send(method: UpstreamRequest['method'], path: string, call: UpstreamCall, accept: string): Promise<UpstreamReply> {
    const reply = await this.transport.request({ method, path, headers: upstreamHeaders(this.apiKey, call, accept) }, call.presence);
    if (reply.status >= 200 && reply.status < 300) return reply;
    if (isRedirect(reply.status)) {
      reply.cancel();
      throw errorFromReply(reply.status, {}, '');
    }
    throw errorFromReply(reply.status, passedBackHeaders(reply.headers), (await reply.buffer()).toString('utf8'));
  }
}

function pathOf(id: string): string {
  return `/responses/${encodeURIComponent(id)}`;
}
