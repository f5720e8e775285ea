/**
 * The whole app listening on 127.0.0.1 in front of a given upstream, with its logs captured, so
 * reliability tests can use real sockets (aborts, resets, raw bytes) and read what was logged.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { startFakeUpstream, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { captureLogs, listenOnLoopback, type LogLine } from '../helpers/listening-app.js';

export interface AppUnderTest {
  /** Base URL including `/v1`. */
  url: string;
  port: number;
  post(body: unknown, init?: RequestInit): Promise<Response>;
  logText(): string;
  logLines(): LogLine[];
  /** Error codes the logs mention (`err.code` on request lines, `error.code` on stream lines). */
  loggedErrorCodes(): string[];
  /** Client connections the app holds open. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startAppUnderTest(options: { upstreamUrl: string; env?: Record<string, string> }): Promise<AppUnderTest> {
  const logs = captureLogs();
  const config = loadConfig({
    UPSTREAM_BASE_URL: options.upstreamUrl,
    UPSTREAM_RETRIES: '0',
    STREAM_HEARTBEAT_MS: '0',
    ...options.env,
  });
  const app = createApp({ config, logger: createLogger('trace', logs.destination) });
  const listening = await listenOnLoopback(app);
  const connections = new Set<Socket>();
  listening.server.on('connection', (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });

  return {
    url: listening.url,
    port: listening.port,
    post: (body, init = {}) =>
      fetch(`${listening.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        ...init,
      }),
    logText: logs.text,
    logLines: logs.lines,
    loggedErrorCodes: () =>
      logs
        .lines()
        .map((line) => line.err?.code ?? line.error?.code)
        .filter((code): code is string => typeof code === 'string'),
    openConnections: () => connections.size,
    close: listening.close,
  };
}

export interface AppOverFakeUpstream {
  upstream: FakeUpstream;
  app: AppUnderTest;
  close(): Promise<void>;
}

/** The app in front of a fresh fake upstream that validates like the real API. */
export async function startAppOverFakeUpstream(): Promise<AppOverFakeUpstream> {
  const upstream = await startFakeUpstream();
  const app = await startAppUnderTest({ upstreamUrl: upstream.url });
  return {
    upstream,
    app,
    async close() {
      await app.close();
      await upstream.close();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request on its own connection with exactly the given target and headers (no URL
 * normalisation, any Host, hop-by-hop headers, chunked bodies), as a hostile client would send it.
 */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const client = request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path, headers: options.headers, agent: false, setHost: !options.headers?.host },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, text: Buffer.concat(chunks).toString('utf8') }));
        answer.on('error', reject);
      },
    );
    client.on('error', reject);
    if (options.body === undefined) {
      client.end();
    } else if (options.chunked) {
      // No content-length: node sends `transfer-encoding: chunked`, one chunk per kilobyte.
      const body = Buffer.from(options.body);
      for (let start = 0; start < body.length; start += 1024) client.write(body.subarray(start, start + 1024));
      client.end();
    } else {
      client.setHeader('content-length', Buffer.byteLength(options.body));
      client.end(options.body);
    }
  });
}
