/**
 * Request time is not response time (issue 12, item 4). An upload that stops before its declared
 * end is cut after BODY_TIMEOUT_MS with a 408 in the OpenAI shape, its connection closed and its
 * memory let go, on the plain node:http chat route and on the Express routes alike; an answer
 * that takes longer than every request limit still arrives.
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../helpers/fake-upstream.js';
import { startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { collectGarbage } from './force-gc.js';
import { MiB } from './peak-rss.js';
import { eventually, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';
import { parseAnswer, stalledUpload } from './stalled-upload.js';

let app: AppUnderTest | undefined;
let upstream: ScriptedUpstream | undefined;

afterEach(async () => {
  await app?.close();
  await upstream?.close();
  app = undefined;
  upstream = undefined;
});

const externalBytes = (): number => process.memoryUsage().arrayBuffers;

describe('uploads that stop before their declared end', () => {
  const BODY_TIMEOUT_MS = 1_500;
  const UPLOADS = 8;
  const SENT = 4 * MiB;
  // One buffer for every client, so the test's own side holds nothing per upload.
  const firstHalf = Buffer.alloc(SENT, ' ');

  it.each(['/v1/chat/completions', '/v1/responses'])('%s: all 8 answered 408 and closed after BODY_TIMEOUT_MS, their memory let go', async (path) => {
    upstream = await startScriptedUpstream((exchange) => {
      exchange.response.destroy();
    });
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env: { BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } });
    collectGarbage();
    const baseline = externalBytes();

    const uploads = Array.from({ length: UPLOADS }, () => stalledUpload(app!.port, path, 2 * SENT, firstHalf, BODY_TIMEOUT_MS + 3_000));
    await eventually(() => externalBytes() - baseline > (UPLOADS * SENT) / 2, 'the adapter holds the partial bodies', BODY_TIMEOUT_MS);
    const ends = await Promise.all(uploads);

    for (const end of ends) {
      const answer = parseAnswer(end.text);
      expect({ closedBy: end.closedBy, status: answer.status, connection: answer.headers.connection, body: JSON.parse(answer.body) }).toEqual({
        closedBy: 'server',
        status: 408,
        connection: 'close',
        body: {
          error: { message: `The request body was not received within ${BODY_TIMEOUT_MS} ms.`, type: 'invalid_request_error', param: null, code: 'request_timeout' },
        },
      });
      expect(end.afterMs).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(end.afterMs).toBeLessThan(BODY_TIMEOUT_MS + 2_000);
    }
    await eventually(() => app!.openConnections() === 0, 'the adapter holds no connection');
    collectGarbage();
    expect(externalBytes() - baseline).toBeLessThan(4 * MiB);
    expect(upstream.exchanges).toEqual([]);
  });
});

describe('answers slower than every request limit', () => {
  const env = { BODY_TIMEOUT_MS: '1000', STREAM_IDLE_TIMEOUT_MS: '10000' };
  const response = responseObject({ output: [messageItem('Thought it through')] });
  const chat = { model: 'gpt-test', messages: [{ role: 'user', content: 'Think hard' }] };

  it('an answer after 3 s with a 1 s body timeout arrives, as JSON and as a stream', async () => {
    upstream = await startScriptedUpstream(async (exchange) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const streamed = exchange.request.headers.accept === 'text/event-stream';
      exchange.response.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json' });
      const events = textStreamEvents(response, ['Thought', ' it through']);
      const frames = events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
      exchange.response.end(streamed ? frames : JSON.stringify(response));
    });
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
    const started = performance.now();
    const [json, stream] = await Promise.all([app.post(chat), app.post({ ...chat, stream: true })]);

    expect({ status: json.status, content: ((await json.json()) as any).choices[0].message.content }).toEqual({ status: 200, content: 'Thought it through' });
    const text = await stream.text();
    expect({ status: stream.status, done: text.endsWith('data: [DONE]\n\n'), content: text.includes('"content":" it through"') }).toEqual({
      status: 200,
      done: true,
      content: true,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(3_000);
  });

  it('a kept-alive connection idle for longer than the limits serves its next request', async () => {
    upstream = await startScriptedUpstream((exchange) => {
      exchange.response.writeHead(200, { 'content-type': 'application/json' });
      exchange.response.end(JSON.stringify(response));
    });
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
    const agent = new Agent({ keepAlive: true });
    const send = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const body = JSON.stringify(chat);
        const sent = request(
          { host: '127.0.0.1', port: app!.port, method: 'POST', path: '/v1/chat/completions', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (answer) => {
            answer.resume();
            answer.once('end', () => resolve({ status: answer.statusCode ?? 0, reused: sent.reusedSocket }));
          },
        );
        sent.once('error', reject);
        sent.end(body);
      });
    try {
      expect(await send()).toEqual({ status: 200, reused: false });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await send()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
