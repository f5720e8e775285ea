/**
 * A valid request of 800,000 messages (24 MB) is answered, and the app keeps answering others
 * while it handles it (issue 12, item 12): parsing, validation, translation and the upstream body
 * are done in slices, with the event loop let through between them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject } from '../helpers/fake-upstream.js';
import { rawRequest, startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';
import { RESPONSIVE_MS, worstHealthLatencyDuring } from './sibling-latency.js';

let app: AppUnderTest | undefined;
let upstream: ScriptedUpstream | undefined;

afterEach(async () => {
  await app?.close();
  await upstream?.close();
  app = undefined;
  upstream = undefined;
});

const MESSAGES = 800_000;

function hugeBody(): Buffer {
  const parts = new Array<string>(MESSAGES);
  for (let index = 0; index < MESSAGES; index++) parts[index] = `{"role":"user","content":"m${index % 10}"}`;
  return Buffer.from(`{"model":"gpt-test","messages":[${parts.join(',')}]}`);
}

describe('a body of 800,000 messages (item 12)', () => {
  it('is answered, and /healthz is answered within RESPONSIVE_MS while it is handled', async () => {
    upstream = await startScriptedUpstream((exchange) => {
      exchange.response.writeHead(200, { 'content-type': 'application/json' });
      exchange.response.end(JSON.stringify(responseObject({ output: [messageItem('Read them all.')] })));
    });
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env: { BODY_LIMIT: '32mb' } });
    const body = hugeBody();
    const port = app.port;

    const { result, worstMs, probes } = await worstHealthLatencyDuring(port, () =>
      rawRequest(port, { path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body }),
    );

    expect({ status: result.status, content: JSON.parse(result.text).choices?.[0]?.message?.content }).toEqual({ status: 200, content: 'Read them all.' });
    // Many answers while it ran, none of them held up for long.
    expect(probes).toBeGreaterThan(10);
    expect(worstMs).toBeLessThan(RESPONSIVE_MS);
    const sent = JSON.parse(upstream.exchanges[0]!.body().toString('utf8')) as { input: unknown[] };
    expect({ items: sent.input.length, last: sent.input.at(-1) }).toEqual({ items: MESSAGES, last: { type: 'message', role: 'user', content: 'm9' } });
  }, 120_000);
});
