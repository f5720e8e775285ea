/**
 * MAX_CONCURRENT_UPSTREAM: at most that many upstream calls at once (each choice of `n` is one,
 * passthrough calls too); past it an OpenAI-shaped 429 with retry advice, without an upstream call.
 */
import OpenAI, { RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, startAdapter, until, type RunningAdapter } from './adapter.js';
import { startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
let adapter: RunningAdapter;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

async function start(env: Record<string, string>): Promise<void> {
  upstream = await startApiUpstream();
  adapter = await startAdapter(upstream.url, env);
}

const chat = (extra: Record<string, unknown> = {}) =>
  fetch(`${adapter.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...extra }),
  });

const embeddings = () =>
  fetch(`${adapter.url}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","input":"x","encoding_format":"float"}' });

const LIMITED = {
  error: {
    message: 'This adapter is making its limit of 10 upstream calls at once. Retry shortly.',
    type: 'rate_limit_error',
    param: null,
    code: 'adapter_concurrency_limit',
  },
};

describe('under load', () => {
  it('60 requests at once with a limit of 10: 10 reach the upstream, 50 get a 429 at once, with retry advice', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '10' });
    const held = upstream.hold();
    const answers = Array.from({ length: 60 }, () => chat());
    await upstream.waitForRequests(10);
    const refused = await Promise.all(answers.map((answer) => Promise.race([answer.then((response) => (response.status === 429 ? response : undefined)), delay(1_000)])));
    const limited = refused.filter((response): response is Response => response instanceof Response);

    // The 50 were answered while the 10 were still held upstream.
    expect(limited).toHaveLength(50);
    expect(upstream.requests).toHaveLength(10);
    for (const response of limited) {
      expect({ retryAfter: response.headers.get('retry-after'), retryAfterMs: response.headers.get('retry-after-ms'), body: await response.json() }).toEqual({
        retryAfter: '1',
        retryAfterMs: '1000',
        body: LIMITED,
      });
    }
    held.release();
    const statuses = (await Promise.all(answers)).map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect({ maxInFlight: upstream.maxInFlight, maxSockets: upstream.maxSockets }).toEqual({ maxInFlight: 10, maxSockets: 10 });

    // The slots are back: the next request is served.
    expect((await chat()).status).toBe(200);
  });

  it('without a limit reached, every request is served at once', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '60' });
    const held = upstream.hold();
    const answers = Array.from({ length: 60 }, () => chat());
    await upstream.waitForRequests(60);
    held.release();
    expect(new Set((await Promise.all(answers)).map((response) => response.status))).toEqual(new Set([200]));
    expect(upstream.maxInFlight).toBe(60);
  });
});

describe('choices of n', () => {
  it('n: 8 with a limit of 4 is refused before any upstream call, and told not to retry', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '4' });
    const answer = await chat({ n: 8 });
    expect({ status: answer.status, retry: answer.headers.get('x-should-retry'), body: await answer.json() }).toEqual({
      status: 429,
      retry: 'false',
      body: {
        error: {
          message: 'This request needs 8 upstream calls at once; this adapter makes at most 4. Ask for fewer choices (n).',
          type: 'rate_limit_error',
          param: null,
          code: 'adapter_concurrency_limit',
        },
      },
    });
    expect(upstream.requests).toEqual([]);
  });

  it('n: 4 with a limit of 4 makes its 4 calls; while they run, any other request is refused', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '4' });
    const held = upstream.hold();
    const four = chat({ n: 4 });
    await upstream.waitForRequests(4);
    const other = await chat();
    expect(other.status).toBe(429);
    held.release();
    const answer = await four;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: unknown[] }).choices).toHaveLength(4);
    expect(upstream.requests).toHaveLength(4);
  });
});

describe('what holds a slot', () => {
  it('a stream holds its slot until it ends', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '1' });
    let finish = (): void => {};
    upstream.route('POST', '/v1/responses', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const answer = { id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'gpt-test', output: [], usage: null };
      response.write(`data: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { ...answer, status: 'in_progress' } })}\n\n`);
      response.write(`data: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi' })}\n\n`);
      finish = () => response.end(`data: ${JSON.stringify({ type: 'response.completed', sequence_number: 2, response: answer })}\n\n`);
    });
    const stream = await chat({ stream: true });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"role":"assistant"');

    expect((await chat()).status).toBe(429);
    expect((await embeddings()).status).toBe(429);
    finish();
    let text = first;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    await until(() => upstream.inFlight === 0, 'the stream to close upstream');
    expect((await embeddings()).status).toBe(200);
  });

  it('passthrough calls count too, and the SDK sees a RateLimitError', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '2' });
    const held = upstream.hold();
    const two = [embeddings(), fetch(`${adapter.url}/models`)];
    await upstream.waitForRequests(2);
    const client = new OpenAI({ baseURL: adapter.url, apiKey: 'sk-client-1', maxRetries: 0 });
    const failure = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateLimitError);
    expect(failure).toMatchObject({ status: 429, code: 'adapter_concurrency_limit', type: 'rate_limit_error' });
    expect((await fetch(`${adapter.url}/responses/resp_1`)).status).toBe(429);
    held.release();
    expect((await Promise.all(two)).map((response) => response.status)).toEqual([200, 200]);
  });

  it('a request refused by validation is a 400 whatever the load', async () => {
    await start({ MAX_CONCURRENT_UPSTREAM: '1' });
    const held = upstream.hold();
    const busy = embeddings();
    await upstream.waitForRequests(1);
    expect((await chat({ n: 'many' })).status).toBe(400);
    held.release();
    await busy;
  });
});

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
