/**
 * The adapter listening on a real port in front of the fake upstream, so third-party client
 * libraries can be pointed at it exactly as a user would point them at api.openai.com.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';

export interface ClientHarness {
  fake: FakeUpstream;
  /** The adapter's base URL including `/v1`, as a client library's `baseURL`. */
  baseUrl: string;
  /** The body of the n-th `POST /v1/responses` the adapter sent upstream. */
  upstreamBody(index: number): RecordedRequest['body'];
  close(): Promise<void>;
}

export async function startClientHarness(): Promise<ClientHarness> {
  const fake = await startFakeUpstream();
  const app = createApp({ config: loadConfig({ UPSTREAM_BASE_URL: fake.url }), logger: createLogger('silent') });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    fake,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    upstreamBody(index) {
      const posts = fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/responses');
      const request = posts[index];
      if (request === undefined) throw new Error(`Upstream received ${posts.length} create requests, not ${index + 1}`);
      return request.body;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}

/** An upstream rate-limit reply with the real error body shape. */
export function rateLimitReply(message: string) {
  return {
    kind: 'json' as const,
    status: 429,
    body: { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } },
  };
}
