/**
 * The whole app in-process against the real fake upstream, with its logs captured, for the HTTP
 * tests. `startHarness(env)` reads the config from `env` exactly as the server does.
 */
import { createApp, type AdapterApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '../../tools/fake-upstream/index.js';
import { captureLogs, listenOnLoopback, type ListeningApp, type LogLine } from '../helpers/listening-app.js';

export interface Harness {
  fake: FakeUpstream;
  app: AdapterApp;
  /** Everything logged so far, raw. */
  logText(): string;
  /** Everything logged so far, one object per line. */
  logLines(): LogLine[];
  /** The per-request line of the request with this id, once it has been written. */
  requestLog(requestId: string): Promise<LogLine>;
  /** All per-request lines, once there are `count` of them. */
  requestLogs(count: number): Promise<LogLine[]>;
  /** Listens on 127.0.0.1 and returns the base URL of the app's `/v1`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** pino level numbers, for readable assertions. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export async function startHarness(env: Record<string, string> = {}, fakeOptions: FakeUpstreamOptions = {}): Promise<Harness> {
  const fake = await startFakeUpstream(fakeOptions);
  const logs = captureLogs();
  const config = loadConfig({ UPSTREAM_BASE_URL: fake.url, UPSTREAM_RETRIES: '0', LOG_LEVEL: 'trace', ...env });
  const app = createApp({ config, logger: createLogger(config.logLevel, logs.destination) });
  const servers: ListeningApp[] = [];

  return {
    fake,
    app,
    logText: logs.text,
    logLines: logs.lines,
    async requestLog(requestId) {
      const [line] = await eventually(() => logs.lines().filter((candidate) => candidate.req?.id === requestId && candidate.res), 1);
      return line!;
    },
    requestLogs: (count) => eventually(() => logs.lines().filter((candidate) => candidate.res), count),
    async listen() {
      const server = await listenOnLoopback(app);
      servers.push(server);
      return server.url;
    },
    async close() {
      for (const server of servers) await server.close();
      await fake.close();
    },
  };
}

/** The request line is written when the response closes, which can trail the client by a tick. */
async function eventually(read: () => LogLine[], count: number): Promise<LogLine[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const lines = read();
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Expected ${count} request log lines, got ${read().length}`);
}

/** A user turn as the smallest valid Chat request. */
export function chatRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello.' }], ...extra };
}
