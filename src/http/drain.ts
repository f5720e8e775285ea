/**
 * Graceful shutdown of the HTTP side. Once `begin` is called the adapter is draining: `/readyz`
 * answers 503, every new request gets a 503 `shutting_down` with `connection: close` (liveness,
 * `/healthz`, and scrapes are still answered), idle kept-alive sockets are closed at once, and
 * a busy one is closed after its answer, which says `connection: close` when its headers are
 * still to be sent. Open streams may finish within the grace; then each chat stream left gets an
 * error frame, a request still waiting for its answer gets the 503, and anything else (a passed
 * through stream) is cut.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import type { OpenStreams } from '../serve/open-streams.js';
import { sendJson } from './send-json.js';

/** What a shutdown had to end, for its last log line. */
export interface DrainReport {
  /** Requests that were open when the shutdown began. */
  openAtStart: number;
  /** Chat streams ended with an error frame (or a 503, before their first byte) after the grace. */
  streamsEnded: number;
  /** Requests answered 503 after the grace (they were still waiting for the upstream). */
  requestsRefused: number;
  /** Responses cut after the grace (passed-through streams). */
  responsesCut: number;
  /** Whether everything had finished within the grace. */
  finishedWithinGrace: boolean;
  /** Background runs still in flight after the drain, cancelled and deleted (filled by the app). */
  runsSettled?: number;
}

/** Paths still served while draining: probes and scrapes. */
const SERVED_WHILE_DRAINING = new Set(['/healthz', '/readyz', '/metrics']);

/** After the grace: how long the ended streams get to write their last frame before the rest is cut. */
const SETTLE_MS = 1000;
/** How long the answers and cuts of the rest, then the closed sockets, take to be over. */
const CLOSE_MS = 500;

export function shuttingDownError(): ApiError {
  return new ApiError(503, 'The adapter is shutting down; send the request again (another instance will take it).', 'adapter', {
    type: 'server_error',
    code: 'shutting_down',
    headers: { connection: 'close' },
  });
}

export class Drain {
  private readonly servers = new Set<Server>();
  private readonly open = new Set<ServerResponse>();
  private started = false;
  private idleWaiter: (() => void) | undefined;

  constructor(private readonly streams: OpenStreams) {}

  get draining(): boolean {
    return this.started;
  }

  /** A server whose sockets the shutdown closes. */
  adopt(server: Server): void {
    this.servers.add(server);
    server.once('close', () => this.servers.delete(server));
  }

  /**
   * Counts a request until its response closes. While draining, answers it with a 503 and returns
   * true, unless it is a probe or a scrape, which go on (with `connection: close`).
   */
  admit(request: IncomingMessage, response: ServerResponse): boolean {
    this.open.add(response);
    response.once('close', () => this.closed(response));
    if (!this.started) return false;
    response.setHeader('connection', 'close');
    if (request.method === 'GET' && SERVED_WHILE_DRAINING.has(pathOf(request.url))) return false;
    const error = shuttingDownError();
    response.err = error;
    sendJson(response, error.status, error.toBody(), error.headers);
    return true;
  }

  /** Readiness off, new requests refused, idle sockets closed; resolves when all requests are over. */
  async shutdown(graceMs: number): Promise<DrainReport> {
    this.started = true;
    const report: DrainReport = { openAtStart: this.open.size, streamsEnded: 0, requestsRefused: 0, responsesCut: 0, finishedWithinGrace: true };
    for (const response of this.open) if (!response.headersSent) response.setHeader('connection', 'close');
    this.closeIdleSockets();
    if (!(await this.idle(graceMs))) {
      report.finishedWithinGrace = false;
      report.streamsEnded = this.streams.abortAll(shuttingDownError());
      if (!(await this.idle(SETTLE_MS))) this.endTheRest(report);
      await this.idle(CLOSE_MS);
    }
    for (const server of this.servers) {
      server.close();
      server.closeAllConnections();
    }
    // Each response's close (and its log line) before the caller's last word.
    await this.idle(CLOSE_MS);
    return report;
  }

  private endTheRest(report: DrainReport): void {
    for (const response of [...this.open]) {
      const error = shuttingDownError();
      response.err = error;
      if (!response.headersSent) {
        report.requestsRefused++;
        sendJson(response, error.status, error.toBody(), error.headers);
      } else {
        report.responsesCut++;
        response.destroy();
      }
    }
  }

  private closed(response: ServerResponse): void {
    this.open.delete(response);
    if (!this.started) return;
    // The answer is out: its socket, kept alive, is idle once the response has let go of it.
    setImmediate(() => this.closeIdleSockets());
    if (this.open.size === 0) this.idleWaiter?.();
  }

  private closeIdleSockets(): void {
    for (const server of this.servers) server.closeIdleConnections();
  }

  /** True once no request is open, false if `ms` passed first. */
  private idle(ms: number): Promise<boolean> {
    if (this.open.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiter = undefined;
        resolve(false);
      }, ms);
      this.idleWaiter = () => {
        clearTimeout(timer);
        this.idleWaiter = undefined;
        resolve(true);
      };
    });
  }
}

function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
