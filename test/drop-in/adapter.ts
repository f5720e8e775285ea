/**
 * The whole app listening on 127.0.0.1 in front of a given upstream, configured from `env` as the
 * server is, with its logs captured; and a raw HTTP client for requests that URL-based clients
 * would normalise or could not send (odd targets, bodies sent in steps).
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { captureLogs, listenOnLoopback, type LogLine } from '../helpers/listening-app.js';

export interface RunningAdapter {
  /** Base URL including /v1. */
  url: string;
  port: number;
  logLines(): LogLine[];
  close(): Promise<void>;
}

const running: RunningAdapter[] = [];

export async function startAdapter(upstreamUrl: string, env: Record<string, string> = {}): Promise<RunningAdapter> {
  const logs = captureLogs();
  const config = loadConfig({ UPSTREAM_BASE_URL: upstreamUrl, UPSTREAM_RETRIES: '0', STREAM_HEARTBEAT_MS: '0', ...env });
  const app = createApp({ config, logger: createLogger('trace', logs.destination) });
  const listening = await listenOnLoopback(app);
  const adapter: RunningAdapter = {
    url: listening.url,
    port: listening.port,
    logLines: logs.lines,
    async close() {
      await listening.close();
      await app.close();
    },
  };
  running.push(adapter);
  return adapter;
}

/** Closes every adapter started since the last call (for afterEach). */
export async function closeAdapters(): Promise<void> {
  for (const adapter of running.splice(0)) await adapter.close();
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

/** One request with exactly this target and these headers, on its own connection. */
export function raw(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (answer) => void collect(answer).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export function collect(answer: IncomingMessage): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('error', reject);
    answer.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body, json: () => JSON.parse(body.toString('utf8')) });
    });
  });
}

/** Polls until `check` holds (or fails the test after `timeoutMs`). */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
