/**
 * Malformed upstream answers never become the adapter's own 500 (issue 12, item 10): a Response
 * object or a stream of events with fields of the wrong type, served by the fake upstream to the
 * whole app. The client gets the answer (what could be read of it) or a 502 in the OpenAI shape
 * naming the upstream, in-band after output; the log never shows an internal error or a stack at
 * level error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UPSTREAM_FAULT_CODES } from '../../src/errors.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startForAllTests } from '../helpers/per-test.js';
import { startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { runs, timeLimit } from './fuzz-runs.js';
import { malformedEvents, malformedResponse, validEvents, validResponse, type Base } from './malformed-response-arbitraries.js';

interface Running {
  upstream: FakeUpstream;
  app: AppUnderTest;
  close(): Promise<void>;
}

async function start(): Promise<Running> {
  const upstream = await startFakeUpstream();
  // With a key to redact, so every field of an error goes through the redaction too.
  const app = await startAppUnderTest({ upstreamUrl: upstream.url, env: { UPSTREAM_API_KEY: 'sk-upstream-malformed', ADAPTER_AUTH: 'none' } });
  return {
    upstream,
    app,
    async close() {
      await app.close();
      await upstream.close();
    },
  };
}

/** Asks for everything the translators can read back: logprobs, usage, a stop sequence, reasoning continuity. */
const chat = (stream: boolean, stop: string | undefined) => ({
  model: 'gpt-5-malformed',
  messages: [{ role: 'user', content: 'Hi' }],
  logprobs: true,
  top_logprobs: 2,
  ...(stop === undefined ? {} : { stop: [stop] }),
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
});
const stops = fc.constantFrom(undefined, 'wor', 'zz');

/** The fake upstream sends whole answers: nothing is cut off, so no code says the connection broke. */
const upstreamCodes = UPSTREAM_FAULT_CODES.filter((code) => code !== 'upstream_stream_broken' && code !== 'upstream_connection_broken') as readonly string[];
/** What the adapter says when the answer itself cannot be read. */
const namingTheUpstream = {
  error: {
    message: expect.stringMatching(/upstream/i),
    type: expect.any(String),
    param: null,
    code: expect.toSatisfy((code) => upstreamCodes.includes(code)),
  },
};
const stringOrNull = expect.toSatisfy((value) => value === null || typeof value === 'string');
/** The upstream's own error passed on (its status, message and code), in the OpenAI shape, every field well typed. */
const passedOn = {
  error: { message: expect.any(String), type: expect.any(String), param: stringOrNull, code: stringOrNull },
};

/** A 502 naming the upstream; or, when the upstream reported an error, that error, never the adapter's own. */
function expectUpstreamError(base: Base, status: number, body: unknown): void {
  if (base === 'answer') {
    expect({ status, body }).toEqual({ status: 502, body: namingTheUpstream });
    return;
  }
  expect(body).toEqual(passedOn);
  expect({ status, code: (body as { error: { code: unknown } }).error.code }).not.toEqual({ status: 500, code: 'internal_error' });
  expect([400, 429, 500, 502, 504]).toContain(status);
}

/** No line at level error (or above) carries a stack, and nothing is logged as the adapter's own failure. */
function expectNoInternalError(app: AppUnderTest, from: number): void {
  const lines = app.logLines().slice(from);
  const faults = lines.filter((line) => (line.level >= 50 && line.err?.stack !== undefined) || line.err?.code === 'internal_error' || line.error?.code === 'internal_error');
  expect(faults).toEqual([]);
}

function sseText(events: unknown): string {
  return (Array.isArray(events) ? events : [events]).map((event) => `data: ${JSON.stringify(event)}\n\n`).join('');
}

describe('malformed upstream Responses (property)', () => {
  const running = startForAllTests(start);

  it('the valid answers they start from are translated whole', async () => {
    const { upstream, app } = running();
    upstream.enqueue({ kind: 'json', body: validResponse }, { kind: 'sse-text', text: sseText(validEvents) });
    const json = (await (await app.post(chat(false, undefined))).json()) as any;
    expect(json.choices[0].message).toMatchObject({ content: 'Hello world', refusal: 'Not that part.', reasoning_content: 'Thinking it over.' });
    expect(json.choices[0].message.tool_calls).toHaveLength(2);
    expect(json.choices[0].logprobs.content).toHaveLength(2);
    const streamed = await (await app.post(chat(true, undefined))).text();
    expect(streamed.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(streamed).toContain('"reasoning_content":"Thinking it over."');
  });

  it('as JSON: a completion, or a 502 naming the upstream (or its own error passed on); never a 500 of ours', async () => {
    await fc.assert(
      fc.asyncProperty(malformedResponse, stops, async ({ base, body }, stop) => {
        const { upstream, app } = running();
        const logged = app.logLines().length;
        upstream.enqueue({ kind: 'json', body });
        const answer = await app.post(chat(false, stop));
        const text = await answer.text();
        if (answer.status === 200) expect(JSON.parse(text)).toMatchObject({ object: 'chat.completion', choices: [expect.any(Object)] });
        else expectUpstreamError(base, answer.status, JSON.parse(text));
        await new Promise((resolve) => setImmediate(resolve));
        expectNoInternalError(app, logged);
      }),
      { numRuns: runs(250) },
    );
  }, timeLimit(40_000));

  it('as a stream: a finished stream, an in-band upstream error, or an error status as for JSON; never a 500 of ours', async () => {
    await fc.assert(
      fc.asyncProperty(malformedEvents, stops, async ({ base, events }, stop) => {
        const { upstream, app } = running();
        const logged = app.logLines().length;
        upstream.enqueue({ kind: 'sse-text', text: sseText(events) });
        const answer = await app.post(chat(true, stop));
        const text = await answer.text();
        if (answer.status === 200) {
          const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: ')).map((frame) => frame.slice('data: '.length));
          const last = frames.at(-1);
          if (last !== '[DONE]') expect(JSON.parse(last!)).toEqual(base === 'answer' ? namingTheUpstream : passedOn);
        } else {
          expectUpstreamError(base, answer.status, JSON.parse(text));
        }
        await new Promise((resolve) => setImmediate(resolve));
        expectNoInternalError(app, logged);
      }),
      { numRuns: runs(250) },
    );
  }, timeLimit(40_000));
});
