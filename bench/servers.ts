/** The three servers: the fake upstream and the pipe (the bench's own), and the built adapter. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startAnnouncingServer, startPolledServer, type ServerProcess } from './children.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const root = here('..');

export function startFakeUpstream(cpu: number): Promise<ServerProcess> {
  return startAnnouncingServer('fake upstream', cpu, process.execPath, [here('./fake-upstream.mjs'), '0']);
}

export function startPipe(cpu: number, upstreamPort: number): Promise<ServerProcess> {
  return startAnnouncingServer('pipe', cpu, process.execPath, [here('./pipe-proxy.mjs'), '0', String(upstreamPort)]);
}

/** `dist/server.js` as built; its log (warnings only) goes to `logFile`. */
export async function startAdapter(cpu: number, upstreamPort: number, logFile: string): Promise<ServerProcess> {
  const port = await freePort();
  return startPolledServer('adapter', cpu, process.execPath, [join(root, 'dist/server.js')], {
    port,
    healthUrl: `http://127.0.0.1:${port}/healthz`,
    logFile,
    // Its whole environment: no stray adapter setting from the caller's shell changes what is measured.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // As in the Docker image.
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      UPSTREAM_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`,
      UPSTREAM_API_KEY: 'sk-bench',
      // The bench's clients present no adapter key: the adapter is open on purpose, on loopback.
      ADAPTER_AUTH: 'none',
      // 1,000 slow streams at once: above the default cap of concurrent upstream calls (256), which would answer 429.
      MAX_CONCURRENT_UPSTREAM: '4096',
      // No per-request log lines.
      LOG_LEVEL: 'warn',
      // A failed upstream call is counted as an error, not hidden by a retry.
      UPSTREAM_RETRIES: '0',
    },
  });
}
