/**
 * BACKGROUND: a streamed Chat request served by a background run, through the official SDK: one
 * unbroken chunk stream however often the upstream connection drops or stalls.
 */
import type OpenAI from 'openai';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { functionCallStreamEvents, messageItem, responseObject, type StreamFault } from '../../tools/fake-upstream/index.js';
import { callsOf, eventually, PRO_MODEL, useBackgroundHarness } from './background-harness.js';

const start = useBackgroundHarness();
const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** Text, then a tool call whose arguments come in three fragments: 17 events. */
function textThenToolCall(): Array<Record<string, unknown>> {
  return functionCallStreamEvents(responseObject({ output: [messageItem('Let me check the weather. ')] }), [
    { name: 'get_weather', args: ['{"ci', 'ty":"Par', 'is"}'], callId: 'call_weather' },
  ]);
}

/** Every chunk's choices as the client saw them (ids and timestamps aside), in order. */
async function streamed(client: OpenAI, extra: Record<string, unknown> = {}): Promise<unknown[]> {
  const stream = await client.chat.completions.create({ model: PRO_MODEL, messages, tools, stream: true, ...extra });
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk.choices.map(({ index, delta, finish_reason }) => ({ index, delta, finish_reason })));
  return chunks;
}

async function unbrokenAndWith(faults: Array<StreamFault | undefined>, env: Record<string, string> = {}) {
  const background = await start(env);
  const { fake } = background.harness;
  fake.enqueue({ kind: 'stream', events: textThenToolCall() }, { kind: 'stream', events: textThenToolCall() });
  const unbroken = await streamed(background.client);
  await eventually(() => fake.requests.some((request) => request.method === 'DELETE'));
  fake.background!.configure({ streamFaults: faults });
  fake.requests.length = 0;
  const resumed = await streamed(background.client);
  return { unbroken, resumed, fake };
}

describe('a streamed request in the background', () => {
  it('streams the run as a foreground stream would, then deletes it', async () => {
    const foreground = await start({ BACKGROUND: 'off' });
    foreground.harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    const expected = await streamed(foreground.client);
    await foreground.harness.close();

    const { harness, client } = await start();
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    expect(await streamed(client)).toEqual(expected);
    expect(harness.fake.requests[0]!.body).toMatchObject({ model: PRO_MODEL, background: true, store: true, stream: true });
    await eventually(() => harness.fake.requests.length === 2);
    expect(callsOf(harness.fake.requests)).toEqual(['POST /v1/responses', 'DELETE /v1/responses/{id}']);
  });

  it('resumes after dropped connections with exactly the chunks of an unbroken stream', async () => {
    // Dropped inside the tool call's arguments, then again two events into the resumed stream.
    const { unbroken, resumed, fake } = await unbrokenAndWith([{ dropAfter: 12 }, { dropAfter: 2 }]);
    expect(resumed).toEqual(unbroken);
    await eventually(() => fake.requests.some((request) => request.method === 'DELETE'));
    expect(callsOf(fake.requests)).toEqual([
      'POST /v1/responses',
      'GET /v1/responses/{id}?stream=true&starting_after=11',
      'GET /v1/responses/{id}?stream=true&starting_after=13',
      'DELETE /v1/responses/{id}',
    ]);
  });

  it('resumes a stalled connection after STREAM_IDLE_TIMEOUT_MS', async () => {
    const { unbroken, resumed, fake } = await unbrokenAndWith([{ stallAfter: 6 }], { STREAM_IDLE_TIMEOUT_MS: '300' });
    expect(resumed).toEqual(unbroken);
    expect(callsOf(fake.requests).slice(0, 2)).toEqual(['POST /v1/responses', 'GET /v1/responses/{id}?stream=true&starting_after=5']);
  });

  it('keeps the heartbeats going while a stalled stream is resumed', async () => {
    const { harness } = await start({ STREAM_IDLE_TIMEOUT_MS: '400', STREAM_HEARTBEAT_MS: '50' }, { stepMs: 5, streamFaults: [{ stallAfter: 6 }] });
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    const url = await harness.listen();
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
      body: JSON.stringify({ model: PRO_MODEL, messages, tools, stream: true }),
    });
    const text = await response.text();
    const beforeResume = text.slice(0, text.indexOf('get_weather'));
    expect(beforeResume).toContain(': keepalive');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('ends with an error frame once the resumptions are spent, then cancels and deletes the run', async () => {
    const { harness, client } = await start({}, { stepMs: 5, streamFaults: [{ dropAfter: 8 }, { status: 500 }, { dropAfter: 0 }, { status: 500 }] });
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    const stream = await client.chat.completions.create({ model: PRO_MODEL, messages, tools, stream: true });
    let content = '';
    const failure = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);

    expect(content).toBe('Let me check the weather. ');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).error).toMatchObject({ message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' });
    await eventually(() => harness.fake.requests.some((request) => request.method === 'DELETE'));
    expect(callsOf(harness.fake.requests)).toEqual([
      'POST /v1/responses',
      // Event 7 (content_part.done) carries nothing for a Chat client and is not parsed: the cursor is the last event read, 6.
      'GET /v1/responses/{id}?stream=true&starting_after=6',
      'GET /v1/responses/{id}?stream=true&starting_after=6',
      'GET /v1/responses/{id}?stream=true&starting_after=6',
      'POST /v1/responses/{id}/cancel',
      'DELETE /v1/responses/{id}',
    ]);
  });

  it.each([
    ['deletes it when store was not asked', {}, ['POST /v1/responses/{id}/cancel', 'DELETE /v1/responses/{id}']],
    ['keeps it when store: true was asked', { store: true }, ['POST /v1/responses/{id}/cancel']],
  ])('cancels the run within 100 ms when the client goes away, and %s', async (_name, extra, after) => {
    const { harness, client } = await start({}, { stepMs: 40 });
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    const stream = await client.chat.completions.create({ model: PRO_MODEL, messages, tools, stream: true, ...extra });
    let abortedAt = 0;
    for await (const chunk of stream) {
      if (!chunk.choices[0]?.delta.content) continue;
      abortedAt = Date.now();
      stream.controller.abort();
    }
    await eventually(() => harness.fake.requests.some((request) => request.path.endsWith('/cancel')));
    const cancel = harness.fake.requests.find((request) => request.path.endsWith('/cancel'))!;
    expect(cancel.receivedAt - abortedAt).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(callsOf(harness.fake.requests).slice(1)).toEqual(after);
    expect(harness.fake.background!.statusOf(harness.fake.background!.ids()[0]!) ?? 'deleted').toBe(after.length === 2 ? 'deleted' : 'cancelled');
  });

  it('runs one background run per choice when n > 1', async () => {
    const { harness, client } = await start();
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() }, { kind: 'stream', events: textThenToolCall() });
    const stream = client.chat.completions.stream({ model: PRO_MODEL, messages, tools, n: 2 });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices.map((choice) => [choice.message.content, choice.message.tool_calls?.[0]])).toEqual([0, 1].map(() => [
      'Let me check the weather. ',
      { id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]));
    expect(harness.fake.background!.ids()).toHaveLength(2);
    expect(harness.fake.requests.filter((request) => request.body?.background === true)).toHaveLength(2);
  });
});

describe('a shutdown with background runs in flight', () => {
  it('cancels and deletes the runs it cuts before it is over', async () => {
    const { harness, client } = await start({}, { stepMs: 200 });
    harness.fake.enqueue({ kind: 'stream', events: textThenToolCall() });
    const stream = await client.chat.completions.create({ model: PRO_MODEL, messages, tools, stream: true });
    const reading = (async () => {
      for await (const chunk of stream) void chunk;
    })().catch((error: unknown) => error);
    await eventually(() => harness.fake.background!.statusOf(harness.fake.background!.ids()[0] ?? '') === 'in_progress');

    const report = await harness.app.shutdown(50);
    expect(report.streamsEnded).toBe(1);
    expect(callsOf(harness.fake.requests)).toEqual(['POST /v1/responses', 'POST /v1/responses/{id}/cancel', 'DELETE /v1/responses/{id}']);
    expect(await reading).toMatchObject({ error: { code: 'shutting_down' } });
  });
});
