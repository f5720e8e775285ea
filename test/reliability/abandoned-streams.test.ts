import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { messageItem, responseObject, startFakeUpstream, textStreamEvents, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { eventually } from './scripted-upstream.js';

let upstream: FakeUpstream;
let app: AppUnderTest;

afterEach(async () => {
  await app.close();
  await upstream.close();
});

const events = textStreamEvents(responseObject({ output: [messageItem('Hello, then nothing')] }), ['Hello', ', then nothing']);
const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');

/** Opens a stream on its own connection, reads until the first words arrive, then drops the connection. */
function abandonAfterFirstWords(): Promise<void> {
  const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
  return new Promise((resolve, reject) => {
    const client = request(
      { host: '127.0.0.1', port: app.port, method: 'POST', path: '/v1/chat/completions', agent: false, headers: { 'content-type': 'application/json' } },
      (answer) => {
        let text = '';
        answer.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (!text.includes('"content":"Hello"')) return;
          client.destroy();
          resolve();
        });
        answer.on('end', () => reject(new Error(`stream ended before its first words: ${text}`)));
      },
    );
    client.on('error', () => {}); // our own destroy
    client.end(body);
  });
}

it('aborts the upstream request of every abandoned stream and keeps no socket open', async () => {
  upstream = await startFakeUpstream();
  upstream.setDefault({ kind: 'stream', events, holdAfter: firstDelta + 1 });
  app = await startAppUnderTest({ upstreamUrl: upstream.url });
  const streams = 20;

  await Promise.all(Array.from({ length: streams }, abandonAfterFirstWords));

  await eventually(() => upstream.abortedRequests === streams, `the upstream saw ${streams} aborts`);
  // Node's fetch replaces each connection it tears down with an idle one, closed after 3 s idle.
  await eventually(() => upstream.openConnections() === 0 && app.openConnections() === 0, 'no socket is left open', 10_000);
  expect(upstream.requests).toHaveLength(streams);
});
