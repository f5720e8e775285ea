/**
 * The adapter started inside the replay process, pointed at a Responses API, listening on a free
 * loopback port. Its settings come from the environment as for the service (MODEL_ALIASES,
 * STRICT_PARAMS, ...), except what replay decides: the upstream, its key, no client keys, quiet logs.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';

export interface InProcessAdapter {
  /** Base URL including `/v1`. */
  url: string;
  close(): Promise<void>;
}

export async function startInProcessAdapter(responsesUrl: string, responsesKey: string | undefined, env: NodeJS.ProcessEnv): Promise<InProcessAdapter> {
  const config = loadConfig({
    ...env,
    UPSTREAM_BASE_URL: responsesUrl,
    UPSTREAM_API_KEY: responsesKey ?? '',
    ADAPTER_API_KEYS: '',
    // Listens on loopback for this process alone, which holds the key anyway.
    ADAPTER_AUTH: 'none',
    METRICS: 'off',
    LOG_LEVEL: 'silent',
  });
  const server = createApp({ config }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
