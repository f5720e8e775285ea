/**
 * A tiny upstream that misbehaves on purpose: each exchange runs a script with the raw request,
 * response and socket (reset mid-stream, hold forever, drip bytes, oversized events…), and records
 * who ended each connection, so tests can assert that the adapter let go of it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  /** The upstream resets the connection (RST) itself, so it is not counted as the adapter's doing. */
  reset(): void;
  /** The upstream closes the connection (FIN, after what it wrote) in the middle of its reply. */
  drop(): void;
  /** The connection closed before the upstream finished its reply, and not by `reset()`. */
  closedByClient(): boolean;
  /** The reply is over: finished, reset, or the connection closed. */
  isSettled(): boolean;
  /** The request body as received (joined when asked, so a large one costs nothing before). */
  body(): Buffer;
}

export type Script = (exchange: Exchange) => void | Promise<void>;

export interface ScriptedUpstream {
  /** Base URL including /v1. */
  url: string;
  exchanges: Exchange[];
  openSockets(): number;
  close(): Promise<void>;
}

export async function startScriptedUpstream(script: Script): Promise<ScriptedUpstream> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    let endedByUpstream = false;
    let closed = false;
    response.once('close', () => {
      closed = true;
    });
    const chunks: Buffer[] = [];
    const exchange: Exchange = {
      request,
      response,
      socket: request.socket,
      reset() {
        endedByUpstream = true;
        request.socket.resetAndDestroy();
      },
      drop() {
        endedByUpstream = true;
        request.socket.end();
      },
      closedByClient: () => closed && !response.writableFinished && !endedByUpstream,
      isSettled: () => closed || response.writableFinished,
      body: () => Buffer.concat(chunks),
    };
    exchanges.push(exchange);
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => {
      void Promise.resolve(script(exchange)).catch(() => request.socket.destroy());
    });
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    exchanges,
    openSockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

/** Polls until `condition` holds; fails the test with `what` after `timeoutMs`. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
