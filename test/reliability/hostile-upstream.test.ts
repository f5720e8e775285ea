/**
 * A hostile upstream, through the whole app over real sockets (issue 12, items 3, 5, 7, 8 and 9):
 * an error page built to freeze a tag-stripping regular expression, an SSE line that never ends,
 * an early 413 to a large upload, a stream kept "alive" by comments alone, and a passed-through
 * stream that stalls. Each ends cleanly, in bounded time and memory, and lets go of its sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../helpers/fake-upstream.js';
import { startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { startEarlyAnswerUpstream, type CloseMode, type EarlyAnswerUpstream } from './early-answer-upstream.js';
import { MiB, watchRssGrowth } from './peak-rss.js';
import { eventually, startScriptedUpstream, type Exchange, type Script, type ScriptedUpstream } from './scripted-upstream.js';
import { RESPONSIVE_MS, worstHealthLatencyDuring } from './sibling-latency.js';

let app: AppUnderTest | undefined;
let upstream: ScriptedUpstream | undefined;
let earlyAnswer: EarlyAnswerUpstream | undefined;

afterEach(async () => {
  await app?.close();
  await upstream?.close();
  earlyAnswer?.close();
  app = undefined;
  upstream = undefined;
  earlyAnswer = undefined;
});

const chat = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };
/** Longer than any answer here should take: a hang fails the test instead of timing it out. */
const patience = () => AbortSignal.timeout(8_000);

const events = textStreamEvents(responseObject({ output: [messageItem('Hello world')] }), ['Hello', ' world']);
const frame = (event: Record<string, unknown>) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');
/** Up to the first text delta ("Hello"): the client has been shown something. */
const afterOutput = events.slice(0, firstDelta + 1).map(frame).join('');

const openAIError = (code: string) => ({ error: { message: expect.any(String), type: expect.any(String), param: null, code } });

async function startOver(script: Script, env: Record<string, string> = {}): Promise<AppUnderTest> {
  upstream = await startScriptedUpstream(script);
  app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
  return app;
}

function openEventStream(exchange: Exchange): void {
  exchange.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
}

/** Resolves when the upstream's reply can take more (or is over). */
function drained(exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      exchange.response.off('drain', done);
      exchange.response.off('close', done);
      resolve();
    };
    exchange.response.on('drain', done);
    exchange.response.on('close', done);
  });
}

/** Reads a body to its end or its break; what arrived, and how it stopped. */
async function readToTheEnd(answer: Response): Promise<{ text: string; broken: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const piece of answer.body!) text += decoder.decode(piece, { stream: true });
    return { text, broken: false };
  } catch {
    return { text, broken: true };
  }
}

/** The `data:` payloads of an SSE body. */
const dataFrames = (text: string): string[] =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));

describe('an error page of 150,000 unclosed tags (item 3)', () => {
  const page = `<html><head><title>Service Unavailable</title></head>${'<'.repeat(150_000)}`;

  it.each([false, true])('stream: %s — summarised, and /healthz answered within RESPONSIVE_MS meanwhile', async (stream) => {
    const adapter = await startOver((exchange) => {
      exchange.response.writeHead(503, { 'content-type': 'text/html' });
      exchange.response.end(page);
    });
    const { result, worstMs } = await worstHealthLatencyDuring(adapter.port, async () => {
      const answer = await adapter.post({ ...chat, stream }, { signal: patience() });
      return { status: answer.status, body: await answer.json() };
    });

    expect(worstMs).toBeLessThan(RESPONSIVE_MS);
    expect(result).toEqual({
      status: 503,
      body: { error: { message: 'The upstream answered HTTP 503: Service Unavailable.', type: 'server_error', param: null, code: 'upstream_error' } },
    });
  });
});

describe('an SSE line that never ends (item 5)', () => {
  const EVENT_LIMIT = 1 * MiB;
  const ENDLESS = 64 * MiB;

  /** `data: aaaa…` with no newline, for up to 64 MiB, at the pace the adapter reads. */
  const endlessLine = (before: string, sent: { bytes: number }): Script => async (exchange) => {
    openEventStream(exchange);
    exchange.response.write(`${before}data: `);
    const piece = Buffer.alloc(64 * 1024, 'a');
    while (sent.bytes < ENDLESS && !exchange.isSettled()) {
      sent.bytes += piece.length;
      if (!exchange.response.write(piece)) await drained(exchange);
    }
    if (!exchange.isSettled()) exchange.response.end();
  };

  it.each([
    { when: 'before output', before: '', inBand: false },
    { when: 'after output', before: afterOutput, inBand: true },
  ])('$when: a clean upstream_too_large error, the upstream cut off early, memory bounded', async ({ before, inBand }) => {
    const sent = { bytes: 0 };
    const adapter = await startOver(endlessLine(before, sent), { STREAM_EVENT_LIMIT: '1mb' });
    const memory = watchRssGrowth();
    const answer = await adapter.post({ ...chat, stream: true }, { signal: patience() });
    const { text } = await readToTheEnd(answer);
    const grown = memory.stop();

    if (inBand) {
      expect({ status: answer.status, content: text.includes('"content":"Hello"'), last: JSON.parse(dataFrames(text).at(-1)!) }).toEqual({
        status: 200,
        content: true,
        last: openAIError('upstream_too_large'),
      });
    } else {
      expect({ status: answer.status, body: JSON.parse(text) }).toEqual({ status: 502, body: openAIError('upstream_too_large') });
    }
    await eventually(() => upstream!.exchanges[0]!.closedByClient(), 'the adapter closed the upstream connection');
    // The line was refused once past the limit, not read to its end (socket buffers hold a few MiB).
    expect(sent.bytes).toBeLessThan(16 * MiB);
    expect(grown).toBeLessThan(3 * EVENT_LIMIT + 50 * MiB);
  });
});

describe('an early 413 to an 8 MB chat body (item 7)', () => {
  it.each<CloseMode>(['destroy', 'reset'])('reaches the client as that 413 with its message, each body uploaded once (upstream closes by %s)', async (mode) => {
    earlyAnswer = await startEarlyAnswerUpstream(mode);
    app = await startAppUnderTest({ upstreamUrl: earlyAnswer.url, env: { BODY_LIMIT: '25mb', UPSTREAM_RETRIES: '2' } });
    const large = { model: 'gpt-test', messages: [{ role: 'user', content: 'a'.repeat(8 * MiB) }] };
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      const answer = await app.post(large, { signal: patience() });
      expect({ status: answer.status, body: await answer.json() }).toEqual({
        status: 413,
        body: { error: { message: 'Request too large for this relay.', type: 'invalid_request_error', param: null, code: 'request_too_large' } },
      });
    }
    expect((await earlyAnswer.counts()).requests).toBe(rounds);
  });
});

describe('a stream kept open by comments alone (item 8)', () => {
  const commentsEvery100ms = (before: string): Script => (exchange) => {
    openEventStream(exchange);
    exchange.response.write(`${before}: keepalive\n\n`);
    const timer = setInterval(() => exchange.response.write(': keepalive\n\n'), 100);
    exchange.response.once('close', () => clearInterval(timer));
  };

  it('before output: 504 upstream_idle_timeout within about 1.5 s, the upstream let go', async () => {
    const adapter = await startOver(commentsEvery100ms(''), { STREAM_IDLE_TIMEOUT_MS: '500' });
    const started = performance.now();
    const answer = await adapter.post({ ...chat, stream: true }, { signal: patience() });
    const body = await answer.json();
    const elapsedMs = performance.now() - started;

    expect({ status: answer.status, body }).toEqual({ status: 504, body: openAIError('upstream_idle_timeout') });
    expect(elapsedMs).toBeLessThan(1_500);
    await eventually(() => upstream!.exchanges[0]!.closedByClient(), 'the adapter closed the upstream connection');
  });

  it('after output: an in-band upstream_idle_timeout frame within about 1.5 s', async () => {
    const adapter = await startOver(commentsEvery100ms(afterOutput), { STREAM_IDLE_TIMEOUT_MS: '500' });
    const started = performance.now();
    const answer = await adapter.post({ ...chat, stream: true }, { signal: patience() });
    const { text } = await readToTheEnd(answer);
    const elapsedMs = performance.now() - started;

    expect({ status: answer.status, last: JSON.parse(dataFrames(text).at(-1)!) }).toEqual({ status: 200, last: openAIError('upstream_idle_timeout') });
    expect(elapsedMs).toBeLessThan(1_500);
    await eventually(() => upstream!.exchanges[0]!.closedByClient(), 'the adapter closed the upstream connection');
  });
});

describe('a passed-through stream that stalls after one event (item 9)', () => {
  const created = frame(events[0]!);

  it.each([
    { stall: 'silence', keepalive: false },
    { stall: 'comments every 100 ms', keepalive: true },
  ])('$stall: cut after STREAM_IDLE_TIMEOUT_MS, both sockets released', async ({ keepalive }) => {
    const adapter = await startOver(
      (exchange) => {
        openEventStream(exchange);
        exchange.response.write(created);
        if (!keepalive) return;
        const timer = setInterval(() => exchange.response.write(': keepalive\n\n'), 100);
        exchange.response.once('close', () => clearInterval(timer));
      },
      { STREAM_IDLE_TIMEOUT_MS: '500' },
    );
    const started = performance.now();
    const answer = await fetch(`${adapter.url}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', input: 'Hi', stream: true }),
      signal: patience(),
    });
    const { text, broken } = await readToTheEnd(answer);
    const elapsedMs = performance.now() - started;

    // The stream breaks off (no clean end: the client must not take it for a whole answer).
    expect({ status: answer.status, first: text.startsWith(created), broken }).toEqual({ status: 200, first: true, broken: true });
    expect(elapsedMs).toBeGreaterThanOrEqual(500);
    expect(elapsedMs).toBeLessThan(1_500);
    await eventually(() => upstream!.exchanges[0]!.closedByClient(), 'the adapter closed the upstream connection');
    await eventually(() => upstream!.exchanges[0]!.socket.destroyed && adapter.openConnections() === 0, 'both sockets are closed');
  });
});
