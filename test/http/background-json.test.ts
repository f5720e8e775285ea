/** BACKGROUND: a non-stream Chat request served by a background run, through the official SDK. */
import { describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { callsOf, eventually, PRO_MODEL, useBackgroundHarness } from './background-harness.js';
import { LEVEL } from './app-harness.js';

const start = useBackgroundHarness();
const messages = [{ role: 'user' as const, content: 'Think hard.' }];

describe('a non-stream request in the background', () => {
  it('creates a stored background run, polls it to its end, answers as today, then deletes it', async () => {
    const { harness, client } = await start();
    const completion = await client.chat.completions.create({ model: PRO_MODEL, messages });

    expect(completion.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    await eventually(() => harness.fake.requests.some((request) => request.method === 'DELETE'));
    const calls = callsOf(harness.fake.requests);
    expect(calls[0]).toBe('POST /v1/responses');
    expect(calls.at(-1)).toBe('DELETE /v1/responses/{id}');
    expect(calls.slice(1, -1).every((call) => call === 'GET /v1/responses/{id}')).toBe(true);
    expect(calls.length).toBeGreaterThan(2);
    // The body sent upstream: the foreground one, stored, in the background.
    expect(harness.fake.requests[0]!.rawBody).toBe(
      JSON.stringify({
        model: PRO_MODEL,
        input: [{ type: 'message', role: 'user', content: 'Think hard.' }],
        store: true,
        include: ['reasoning.encrypted_content'],
        background: true,
      }),
    );
    // The poll asks for what the create included (encrypted reasoning, for continuity).
    expect(harness.fake.requests[1]!.path).toContain('include[]=reasoning.encrypted_content');
  });

  it('keeps the run stored when the client asked for store: true', async () => {
    const { harness, client } = await start();
    await client.chat.completions.create({ model: PRO_MODEL, messages, store: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(callsOf(harness.fake.requests).filter((call) => !call.startsWith('GET'))).toEqual(['POST /v1/responses']);
  });

  it('sends no background field with BACKGROUND=off, nor for models outside BACKGROUND_MODELS', async () => {
    const off = await start({ BACKGROUND: 'off' });
    await off.client.chat.completions.create({ model: PRO_MODEL, messages });
    await off.client.chat.completions.create({ model: 'gpt-test', messages });
    expect(off.harness.fake.requests.map((request) => [request.method, request.body.background, request.body.store])).toEqual([
      ['POST', undefined, false],
      ['POST', undefined, false],
    ]);
  });

  it('runs every model in the background with BACKGROUND=on', async () => {
    const { harness, client } = await start({ BACKGROUND: 'on' });
    await client.chat.completions.create({ model: 'gpt-test', messages });
    expect(harness.fake.requests[0]!.body).toMatchObject({ background: true, store: true });
  });

  it.each([
    ['failed', responseObject({ status: 'failed', error: { code: 'server_error', message: 'The model crashed.' }, output: [] })],
    ['incomplete', responseObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [messageItem('Half')] })],
  ])('answers a %s run exactly as the same foreground Response', async (_status, response) => {
    const answers: unknown[] = [];
    for (const env of [{ BACKGROUND: 'off' }, { BACKGROUND: 'auto' }]) {
      const { harness, client } = await start(env);
      harness.fake.enqueue({ kind: 'json', body: response });
      answers.push(
        await client.chat.completions.create({ model: PRO_MODEL, messages }).then(
          (completion) => ({ content: completion.choices[0]!.message.content, finish: completion.choices[0]!.finish_reason }),
          (error: { status: number; error: unknown }) => ({ status: error.status, error: error.error }),
        ),
      );
      await harness.close();
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('retries a failed delete, logs it, and never shows it to the client', async () => {
    const { harness, client } = await start({}, { stepMs: 5, deleteFailures: 1 });
    const completion = await client.chat.completions.create({ model: PRO_MODEL, messages });
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    await eventually(() => harness.fake.requests.filter((request) => request.method === 'DELETE').length === 2);
    const [id] = harness.fake.background!.ids();
    expect(harness.fake.background!.statusOf(id!)).toBeUndefined();
    expect(harness.logLines().some((line) => line.level === LEVEL.warn && line.msg === 'background run delete failed; retrying')).toBe(true);
  });

  it('cancels the run upstream when the client goes away, and deletes it', async () => {
    const { harness, client } = await start({}, { stepMs: 1000 });
    const controller = new AbortController();
    const answer = client.chat.completions.create({ model: PRO_MODEL, messages }, { signal: controller.signal }).catch(() => 'aborted');
    await eventually(() => harness.fake.requests.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = Date.now();
    controller.abort();
    expect(await answer).toBe('aborted');
    await eventually(() => harness.fake.requests.some((request) => request.path.endsWith('/cancel')));
    const cancel = harness.fake.requests.find((request) => request.path.endsWith('/cancel'))!;
    expect(cancel.receivedAt - abortedAt).toBeLessThan(100);
    await eventually(() => harness.fake.requests.some((request) => request.method === 'DELETE'));
    expect(callsOf(harness.fake.requests).slice(-2)).toEqual(['POST /v1/responses/{id}/cancel', 'DELETE /v1/responses/{id}']);
  });
});

describe('a background run that outlasts UPSTREAM_TIMEOUT_MS', () => {
  it('answers 504 upstream_timeout, then cancels and deletes the run', async () => {
    const { harness, client } = await start({ UPSTREAM_TIMEOUT_MS: '400' }, { stepMs: 5000 });
    const failure = await client.chat.completions.create({ model: PRO_MODEL, messages }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 504, error: { code: 'upstream_timeout', message: 'The upstream background run did not finish within 400 ms.' } });
    await eventually(() => harness.fake.requests.some((request) => request.method === 'DELETE'));
    expect(callsOf(harness.fake.requests).slice(-2)).toEqual(['POST /v1/responses/{id}/cancel', 'DELETE /v1/responses/{id}']);
    expect(harness.fake.background!.statusOf(harness.fake.background!.ids()[0]!)).toBeUndefined();
  });
});

describe('reasoning continuity in the background', () => {
  const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } };
  const reasoning = { type: 'reasoning', id: 'rs_turn1', summary: [], encrypted_content: 'gAAAA-background-turn-1' };

  it.each([false, true])('remembers the reasoning of the final Response and replays it (stream: %s)', async (stream) => {
    const { harness, client } = await start();
    const firstTurn = responseObject({ model: PRO_MODEL, output: [reasoning, functionCallItem('lookup', '{"q":"tides"}', 'call_tides')] });
    harness.fake.enqueue({ kind: 'json', body: firstTurn }, { kind: 'json', body: responseObject({ model: PRO_MODEL, output: [messageItem('14:02.')] }) });
    const history: Array<Record<string, unknown>> = [{ role: 'user', content: 'When is high tide?' }];
    const ask = () =>
      stream
        ? client.chat.completions.stream({ model: PRO_MODEL, messages: history as never, tools: [tool] }).finalChatCompletion()
        : client.chat.completions.create({ model: PRO_MODEL, messages: history as never, tools: [tool] });
    const first = await ask();
    history.push(first.choices[0]!.message as never, { role: 'tool', tool_call_id: 'call_tides', content: '14:02' });
    expect((await ask()).choices[0]!.message.content).toBe('14:02.');

    const creates = harness.fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/responses');
    expect(creates[1]!.body.input[1]).toEqual(reasoning);
    expect(creates[1]!.body.input[2]).toMatchObject({ type: 'function_call', call_id: 'call_tides' });
  });
});

describe('a shutdown while a background run is polled', () => {
  it('refuses the waiting request with 503, then cancels and deletes its run', async () => {
    const { harness, client } = await start({}, { stepMs: 5000 });
    const answer = client.chat.completions.create({ model: PRO_MODEL, messages }).catch((error: unknown) => error);
    await eventually(() => harness.fake.requests.some((request) => request.method === 'GET'));

    const report = await harness.app.shutdown(50);
    expect(report).toMatchObject({ requestsRefused: 1, runsSettled: 1 });
    expect(await answer).toMatchObject({ status: 503, error: { code: 'shutting_down' } });
    expect(callsOf(harness.fake.requests).slice(-2)).toEqual(['POST /v1/responses/{id}/cancel', 'DELETE /v1/responses/{id}']);
  });
});
