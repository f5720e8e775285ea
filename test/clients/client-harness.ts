/**
 * The adapter listening on a real port in front of the fake upstream, so third-party client
 * libraries can be pointed at it exactly as a user would point them at api.openai.com.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../../tools/fake-upstream/index.js';
import { listenOnLoopback } from '../helpers/listening-app.js';
import { startForEachTest } from '../helpers/per-test.js';

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
  const listening = await listenOnLoopback(app);

  return {
    fake,
    baseUrl: listening.url,
    upstreamBody(index) {
      const posts = fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/responses');
      const request = posts[index];
      if (request === undefined) throw new Error(`Upstream received ${posts.length} create requests, not ${index + 1}`);
      return request.body;
    },
    async close() {
      await listening.close();
      await fake.close();
    },
  };
}

/** A fresh harness for every test of the file; call the getter inside a test or a later hook. */
export function useClientHarness(): () => ClientHarness {
  return startForEachTest(startClientHarness);
}
