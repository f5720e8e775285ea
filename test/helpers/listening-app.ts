/**
 * The two pieces every in-process app harness needs: a pino destination that keeps what the app
 * logged, and the app listening on a free loopback port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AdapterApp } from '../../src/app.js';

export type LogLine = Record<string, any>;

export interface CapturedLogs {
  /** Give this to `createLogger`. */
  destination: Writable;
  /** Everything logged so far, raw. */
  text(): string;
  /** Everything logged so far, one object per line. */
  lines(): LogLine[];
}

export function captureLogs(): CapturedLogs {
  const written: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString('utf8'));
      callback();
    },
  });
  const text = () => written.join('');
  return {
    destination,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LogLine),
  };
}

export interface ListeningApp {
  server: Server;
  port: number;
  /** Base URL including `/v1`. */
  url: string;
  /** Drops the open connections (streams a test left running) and stops listening. */
  close(): Promise<void>;
}

export async function listenOnLoopback(app: AdapterApp): Promise<ListeningApp> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
