/**
 * Real sockets for the transport's tests: node:http and node:net upstreams on 127.0.0.1:0, a
 * presence the test can make leave, and a consumer that records a streamed body. Everything started
 * is closed after each test (servers first, so no transport waits on a request left open).
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { BodyConsumer, BodyControl, Presence, TransportOptions, UpstreamReply } from '../../src/upstream/transport.js';
import { UpstreamTransport } from '../../src/upstream/transport.js';

const servers: Array<() => Promise<void>> = [];
const transports: UpstreamTransport[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

export interface Upstream {
  port: number;
  /** The base URL with a path, '/v1' unless told. */
  url(path?: string): string;
}

export async function httpUpstream(handler: http.RequestListener): Promise<Upstream & { server: http.Server }> {
  const server = http.createServer(handler);
  // Node's default keep-alive (5 s) could close an idle socket under a test; the tests close it themselves.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return described(server, { server });
}

export async function netUpstream(onConnection: (socket: net.Socket) => void): Promise<Upstream> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return described(server, {});
}

function described<Extra extends object>(server: net.Server, extra: Extra): Upstream & Extra {
  const port = (server.address() as AddressInfo).port;
  return { ...extra, port, url: (path = '/v1') => `http://127.0.0.1:${port}${path}` };
}

export function transport(options: Partial<TransportOptions> & { baseUrl: string }): UpstreamTransport {
  const created = new UpstreamTransport({ timeoutMs: 5_000, retries: 1, ...options });
  transports.push(created);
  return created;
}

/** A port nothing listens on (taken from the system, then let go). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class TestPresence implements Presence {
  gone = false;
  private readonly listeners: Array<() => void> = [];

  onGone(listener: () => void): void {
    this.listeners.push(listener);
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** Resolves when the upstream's answer closes: true if it closed before it was finished (aborted). */
export function closedEarly(response: http.ServerResponse): Promise<boolean> {
  return new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished)));
}

export interface StreamRecord {
  chunks: Buffer[];
  body(): Buffer;
  /** Settles when the consumer has heard the end (null) or an error. */
  done: Promise<Error | null>;
  control: BodyControl;
}

/**
 * Streams a reply into memory. `onData` may return false to pause (and is given the control to
 * resume later).
 */
export function record(reply: UpstreamReply, onData?: (chunk: Buffer, control: BodyControl, index: number) => boolean | void): StreamRecord {
  const chunks: Buffer[] = [];
  let settle: (outcome: Error | null) => void = () => {};
  const done = new Promise<Error | null>((resolve) => (settle = resolve));
  let control: BodyControl | undefined;
  let ended = false;
  const consumer: BodyConsumer = {
    data(chunk) {
      if (ended) throw new Error('data after the end');
      chunks.push(chunk);
      return onData?.(chunk, control!, chunks.length - 1);
    },
    end() {
      if (ended) throw new Error('a second end');
      ended = true;
      settle(null);
    },
    error(error) {
      if (ended) throw new Error('an error after the end');
      ended = true;
      settle(error);
    },
  };
  control = reply.stream(consumer);
  return { chunks, body: () => Buffer.concat(chunks), done, control };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Raw HTTP/1.1 requests, as a node:net upstream reads them: head and body split by content-length. */
export class RequestReader {
  private pending = Buffer.alloc(0);
  readonly requests: Array<{ head: string; body: Buffer }> = [];
  /** Every byte read, including requests not complete. */
  bytes = 0;

  /** Adds bytes; returns the requests they completed. */
  push(data: Buffer): Array<{ head: string; body: Buffer }> {
    this.bytes += data.length;
    this.pending = Buffer.concat([this.pending, data]);
    const complete: Array<{ head: string; body: Buffer }> = [];
    for (;;) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) break;
      const head = this.pending.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (this.pending.length < end + 4 + length) break;
      const request = { head, body: this.pending.subarray(end + 4, end + 4 + length) };
      this.pending = this.pending.subarray(end + 4 + length);
      this.requests.push(request);
      complete.push(request);
    }
    return complete;
  }
}

export const OK_RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: keep-alive\r\nkeep-alive: timeout=60\r\n\r\nok';
