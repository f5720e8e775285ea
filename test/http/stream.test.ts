import { describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { hasSharedFixtures, recordedStreams } from '../helpers/recorded-fixtures.js';
import { chatUsage, responsesUsage } from '../helpers/usage-objects.js';
import {
  contentOf,
  dataFrames,
  finishReasonsOf,
  postChat,
  readUntil,
  streamChunks,
  streamRequest,
  useStreamHarness,
} from './stream-harness.js';

const harness = useStreamHarness();

/** A finished text answer and its stream events. */
function textAnswer(deltas: string[], overrides: Record<string, unknown> = {}) {
  const response = responseObject({ output: [messageItem(deltas.join(''))], ...overrides });
  return { response, events: textStreamEvents(response, deltas) };
}

function textChoice(content: string) {
  return { index: 0, delta: { content }, logprobs: null, finish_reason: null };
}

function roleChoice() {
  return { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null };
}

function finishChoice(finishReason: string) {
  return { index: 0, delta: {}, logprobs: null, finish_reason: finishReason };
}

describe('wire format of a streamed answer', () => {
  it('sends event-stream headers, data-only frames and [DONE] last, with one envelope and one finish', async () => {
    const { response, events } = textAnswer(['Hel', 'lo ', 'there!']);
    harness().fake.enqueue({ kind: 'stream', events });

    const reply = await postChat(harness(), streamRequest(), { headers: { 'content-type': 'application/json', 'x-request-id': 'stream-wire-1' } });
    const text = await reply.text();

    expect(reply.status).toBe(200);
    expect({
      contentType: reply.headers.get('content-type'),
      cacheControl: reply.headers.get('cache-control'),
      accelBuffering: reply.headers.get('x-accel-buffering'),
      requestId: reply.headers.get('x-request-id'),
    }).toEqual({
      contentType: 'text/event-stream; charset=utf-8',
      cacheControl: 'no-cache',
      accelBuffering: 'no',
      requestId: 'stream-wire-1',
    });
    expect(text).not.toMatch(/^event:/m);
    expect(dataFrames(text).at(-1)).toBe('[DONE]');

    const chunks = streamChunks(text);
    expect(new Set(chunks.map((chunk) => chunk.object))).toEqual(new Set(['chat.completion.chunk']));
    expect(new Set(chunks.map((chunk) => JSON.stringify([chunk.id, chunk.created, chunk.model])))).toEqual(
      new Set([JSON.stringify([chunks[0]!.id, response.created_at, response.model])]),
    );
    expect(chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [roleChoice()],
      [textChoice('Hel')],
      [textChoice('lo ')],
      [textChoice('there!')],
      [finishChoice('stop')],
    ]);
    expect(chunks.filter((chunk) => 'usage' in chunk)).toEqual([]);
  });

  it('with include_usage sends usage: null on every chunk, then a choices: [] chunk with the mapped usage', async () => {
    const { events } = textAnswer(['Counted.'], { usage: responsesUsage(30, 9, { cached: 12, reasoning: 4 }) });
    harness().fake.enqueue({ kind: 'stream', events });

    const reply = await postChat(harness(), streamRequest({ stream_options: { include_usage: true } }));
    const chunks = streamChunks(await reply.text());

    const usageChunk = chunks.at(-1)!;
    expect(chunks.slice(0, -1).map((chunk) => chunk.usage)).toEqual([null, null, null]);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual(chatUsage(30, 9, { cached: 12, reasoning: 4 }));
    expect([usageChunk.id, usageChunk.object, usageChunk.model]).toEqual([chunks[0]!.id, 'chat.completion.chunk', chunks[0]!.model]);
  });

  it('asks the upstream for a stream, unstored, without Chat-only stream options', async () => {
    harness().fake.enqueue({ kind: 'stream', events: textAnswer(['Hi']).events });

    const reply = await postChat(harness(), streamRequest({ stream_options: { include_usage: true } }));
    await reply.text();

    expect(harness().fake.requests.map((request) => request.body)).toEqual([
      {
        model: 'gpt-test',
        input: [{ type: 'message', role: 'user', content: 'Say hello.' }],
        store: false,
        stream: true,
      },
    ]);
    expect(harness().fake.requests[0]!.headers.accept).toBe('text/event-stream');
  });
});

describe('an upstream that skips response.created', () => {
  it('still keeps one id, created and model on every chunk', async () => {
    const { response, events } = textAnswer(['No ', 'preamble.']);
    harness().fake.enqueue({ kind: 'stream', events: events.slice(2) });

    const chunks = streamChunks(await (await postChat(harness(), streamRequest({ stream_options: { include_usage: true } }))).text());

    expect(contentOf(chunks)).toBe('No preamble.');
    expect(new Set(chunks.map((chunk) => JSON.stringify([chunk.id, chunk.created, chunk.model])))).toEqual(
      new Set([JSON.stringify([chunks[0]!.id, chunks[0]!.created, chunks[0]!.model])]),
    );
  });
});

describe('incremental delivery', () => {
  it('delivers the first content chunk while the upstream is still holding the rest of the answer', async () => {
    const { events } = textAnswer(['Early ', 'late']);
    const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');
    harness().fake.enqueue({ kind: 'stream', events, holdAfter: firstDelta + 1 });

    const reply = await postChat(harness(), streamRequest());
    const reader = reply.body!.getReader();
    const text = await readUntil(reader, (soFar) => soFar.includes('"content":"Early "'));

    expect(contentOf(streamChunks(text))).toBe('Early ');
    expect(harness().fake.abortedRequests).toBe(0); // the upstream answer is still open
    await reader.cancel();
    await harness().fake.waitForAbort();
  });

  it('passes spaced-out upstream events on one by one', async () => {
    const { events } = textAnswer(['one ', 'two ', 'three']);
    harness().fake.enqueue({ kind: 'stream', events, delayMs: 100 });

    const reply = await postChat(harness(), streamRequest());
    const reader = reply.body!.getReader();
    const decoder = new TextDecoder();
    const reads: string[] = [];
    for (let result = await reader.read(); !result.done; result = await reader.read()) {
      reads.push(decoder.decode(result.value, { stream: true }));
    }

    // Each content delta arrived in its own read: nothing was collected before sending.
    const contentByRead = reads.map((read) => contentOf(streamChunks(read))).filter((content) => content !== '');
    expect(contentByRead).toEqual(['one ', 'two ', 'three']);
  });
});

describe('streamed tool calls', () => {
  it('gives two parallel calls with interleaved arguments chat indexes 0 and 1 and the call ids', async () => {
    const weather = functionCallItem('get_weather', '{"city":"Paris"}', 'call_weather');
    const time = functionCallItem('get_time', '{"zone":"CET"}', 'call_time');
    const response = responseObject({ output: [weather, time] });
    const argumentsDelta = (item: Record<string, any>, outputIndex: number, delta: string) => ({
      type: 'response.function_call_arguments.delta',
      item_id: item.id,
      output_index: outputIndex,
      delta,
    });
    const events = [
      { type: 'response.created', response: { ...response, status: 'in_progress', output: [], usage: null } },
      { type: 'response.output_item.added', output_index: 0, item: { ...weather, status: 'in_progress', arguments: '' } },
      { type: 'response.output_item.added', output_index: 1, item: { ...time, status: 'in_progress', arguments: '' } },
      argumentsDelta(weather, 0, '{"city":'),
      argumentsDelta(time, 1, '{"zone":'),
      argumentsDelta(weather, 0, '"Paris"}'),
      argumentsDelta(time, 1, '"CET"}'),
      { type: 'response.function_call_arguments.done', item_id: weather.id, output_index: 0, arguments: weather.arguments },
      { type: 'response.function_call_arguments.done', item_id: time.id, output_index: 1, arguments: time.arguments },
      { type: 'response.output_item.done', output_index: 0, item: weather },
      { type: 'response.output_item.done', output_index: 1, item: time },
      { type: 'response.completed', response },
    ];
    harness().fake.enqueue({ kind: 'stream', events });

    const reply = await postChat(harness(), streamRequest());
    const chunks = streamChunks(await reply.text());

    const toolCallChoice = (toolCall: Record<string, unknown>) => ({
      index: 0,
      delta: { tool_calls: [toolCall] },
      logprobs: null,
      finish_reason: null,
    });
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [roleChoice()],
      [toolCallChoice({ index: 0, id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '' } })],
      [toolCallChoice({ index: 1, id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '' } })],
      [toolCallChoice({ index: 0, function: { arguments: '{"city":' } })],
      [toolCallChoice({ index: 1, function: { arguments: '{"zone":' } })],
      [toolCallChoice({ index: 0, function: { arguments: '"Paris"}' } })],
      [toolCallChoice({ index: 1, function: { arguments: '"CET"}' } })],
      [finishChoice('tool_calls')],
    ]);
  });
});

describe('n = 2', () => {
  it('merges two upstream streams into one: one id, choice indexes 0 and 1, one finish each, one [DONE]', async () => {
    harness().fake.enqueue(
      { kind: 'stream', events: textAnswer(['First ', 'answer.']).events },
      { kind: 'stream', events: textAnswer(['Second ', 'answer.']).events },
    );

    const reply = await postChat(harness(), streamRequest({ n: 2, stream_options: { include_usage: true } }));
    const text = await reply.text();
    const chunks = streamChunks(text);

    expect(harness().fake.requests).toHaveLength(2);
    expect(dataFrames(text).filter((frame) => frame === '[DONE]')).toHaveLength(1);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect([contentOf(chunks, 0), contentOf(chunks, 1)].sort()).toEqual(['First answer.', 'Second answer.']);
    expect([finishReasonsOf(chunks, 0), finishReasonsOf(chunks, 1)]).toEqual([['stop'], ['stop']]);
    expect(new Set(chunks.flatMap((chunk) => chunk.choices.map((choice: { index: number }) => choice.index)))).toEqual(new Set([0, 1]));
    // The fake reports 11 input and 10 output tokens per call: usage is the sum of both calls.
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 22, completion_tokens: 20, total_tokens: 42 } });
  });

  it('answers with the upstream status when one of the two calls is refused before streaming', async () => {
    const refusal = { error: { message: 'Rate limit reached for requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    harness().fake.enqueue(
      { kind: 'stream', events: textAnswer(['Fine.']).events },
      { kind: 'json', status: 429, body: refusal },
    );

    const reply = await postChat(harness(), streamRequest({ n: 2 }));

    expect(reply.status).toBe(429);
    expect(await reply.json()).toEqual(refusal);
  });

  it('ends with an error frame, and stops the other call, when one choice fails after output was sent', async () => {
    const held = textAnswer(['Still ', 'going']).events;
    const failing = [
      ...textAnswer(['']).events.slice(0, 2),
      { type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The model crashed.', param: null } },
    ];
    // The failing call answers at once but fails only after its slow events; the other call's
    // output has long reached the client by then.
    harness().fake.enqueue({ kind: 'stream', events: held, holdAfter: 5 }, { kind: 'stream', events: failing, delayMs: 300 });

    const reply = await postChat(harness(), streamRequest({ n: 2 }));
    const text = await reply.text();
    const frames = dataFrames(text);

    expect(reply.status).toBe(200);
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame) as Record<string, any>);
    expect(contentOf(chunks, 0) + contentOf(chunks, 1)).toBe('Still ');
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!)).toEqual({
      error: { message: 'The model crashed.', type: 'server_error', param: null, code: 'server_error' },
    });
    await harness().fake.waitForAbort();
  });
});

describe('stop sequences', () => {
  it.each([
    { name: 'inside one delta', deltas: ['The answer is 42 END and more'], content: 'The answer is 42 ' },
    { name: 'across deltas', deltas: ['The answer is 4', '2 E', 'ND and more'], content: 'The answer is 42 ' },
    { name: 'at the very start', deltas: ['EN', 'D at once'], content: '' },
  ])('cuts the text $name, finishes with stop and ends the upstream call', async ({ deltas, content }) => {
    const { events } = textAnswer([...deltas, ' that never arrives']);
    const lastSent = events.findIndex((event) => event.type === 'response.output_text.delta') + deltas.length;
    harness().fake.enqueue({ kind: 'stream', events, holdAfter: lastSent });

    const reply = await postChat(harness(), streamRequest({ stop: ['END', 'unused'] }));
    const text = await reply.text();
    const chunks = streamChunks(text);

    expect(contentOf(chunks)).toBe(content);
    expect(finishReasonsOf(chunks)).toEqual(['stop']);
    expect(dataFrames(text).at(-1)).toBe('[DONE]');
    await harness().fake.waitForAbort();
  });
});

describe('upstream chunking', () => {
  const response = responseObject({ output: [messageItem('Grüße, 世界! 👋 done')] });
  const events = textStreamEvents(response, ['Grüße, ', '世界! ', '👋 done']);
  const sse = (lineEnd: string) =>
    events
      .map((event, index) => `event: ${String(event.type)}${lineEnd}data: ${JSON.stringify({ ...event, sequence_number: index })}${lineEnd}${lineEnd}`)
      .join('');

  it.each([
    { name: '1-byte chunks', chunkSize: 1, lineEnd: '\n' },
    { name: '7-byte chunks', chunkSize: 7, lineEnd: '\n' },
    { name: 'CRLF line ends', chunkSize: undefined, lineEnd: '\r\n' },
    { name: 'CRLF in 1-byte chunks', chunkSize: 1, lineEnd: '\r\n' },
  ])('gives the client byte-identical output for $name', async ({ chunkSize, lineEnd }) => {
    harness().fake.enqueue(
      { kind: 'sse-text', text: sse('\n') },
      { kind: 'sse-text', text: sse(lineEnd), ...(chunkSize !== undefined && { chunkSize }) },
    );

    const whole = await (await postChat(harness(), streamRequest())).text();
    const split = await (await postChat(harness(), streamRequest())).text();

    expect(contentOf(streamChunks(whole))).toBe('Grüße, 世界! 👋 done');
    expect(split).toBe(whole);
  });
});

describe.skipIf(!hasSharedFixtures)('recorded upstream streams replayed over HTTP', () => {
  const streams = recordedStreams().map((stream) => ({ ...stream, label: `${stream.name}#${stream.interactionIndex}` }));
  const completed = streams.filter((stream) => stream.events.at(-1)?.type === 'response.completed');
  const failed = streams.filter((stream) => stream.events.at(-1)?.type === 'response.failed');

  it.each(completed)('$label: the text, the tool call ids and one finish, framed for a Chat client', async ({ sseText, events }) => {
    harness().fake.enqueue({ kind: 'sse-text', text: sseText }, { kind: 'sse-text', text: sseText, chunkSize: 1 });

    const text = await (await postChat(harness(), streamRequest())).text();
    const splitText = await (await postChat(harness(), streamRequest())).text();
    const chunks = streamChunks(text);

    const callIds = events
      .filter((event) => event.type === 'response.output_item.added' && ['function_call', 'custom_tool_call'].includes(event.item?.type))
      .map((event) => event.item.call_id as string);
    const deltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta as string);
    const toolCallIds = chunks
      .flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .filter((toolCall: { id?: string }) => toolCall.id !== undefined)
      .map((toolCall: { id: string }) => toolCall.id);
    expect(dataFrames(text).at(-1)).toBe('[DONE]');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(contentOf(chunks)).toBe(deltas.join(''));
    expect(toolCallIds).toEqual(callIds);
    expect(finishReasonsOf(chunks)).toEqual([callIds.length > 0 ? 'tool_calls' : 'stop']);
    expect(splitText).toBe(text);
  });

  it.each(failed)('$label: the upstream failure as an HTTP error', async ({ sseText, events }) => {
    harness().fake.enqueue({ kind: 'sse-text', text: sseText });

    const reply = await postChat(harness(), streamRequest());

    const failure = events.at(-1)!.response.error;
    expect(reply.status).toBe(failure.code === 'insufficient_quota' ? 429 : 500);
    expect(await reply.json()).toMatchObject({ error: { message: failure.message, code: failure.code } });
  });
});

describe('stop sequences with include_usage', () => {
  it('cuts the text at once, then reads the upstream to its end for the usage it billed', async () => {
    const { response, events } = textAnswer(['Count: 1, 2, ST', 'OP, 3, 4'], {
      usage: responsesUsage(9, 14),
    });
    harness().fake.enqueue({ kind: 'stream', events });

    const text = await (await postChat(harness(), streamRequest({ stop: 'STOP', stream_options: { include_usage: true } }))).text();
    const chunks = streamChunks(text);

    expect(contentOf(chunks)).toBe('Count: 1, 2, ');
    expect(finishReasonsOf(chunks)).toEqual(['stop']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 14, total_tokens: 23 } });
    expect(response.usage.output_tokens).toBe(14);
    expect(dataFrames(text).at(-1)).toBe('[DONE]');
  });
});

describe('heartbeat while the upstream is silent', () => {
  const heartbeatHarness = useStreamHarness({ env: { STREAM_HEARTBEAT_MS: '40' } });

  it('sends the headers and keepalive comments before the first output, then the answer', async () => {
    // Each event comes 150 ms after the one before: the upstream says nothing a client can show for a while.
    heartbeatHarness().fake.enqueue({ kind: 'stream', events: textAnswer(['Thought ', 'long.']).events, delayMs: 150 });

    const reply = await postChat(heartbeatHarness(), streamRequest());
    expect(reply.status).toBe(200);
    const text = await reply.text();
    // The role chunk goes out with the headers, then comments keep the connection busy until the text.
    expect(text).toMatch(/^data: [^\n]*"role":"assistant"[^\n]*\n\n(: keepalive\n\n)+data: /);
    const frames = text.replace(/: keepalive\n\n/g, '');
    expect(contentOf(streamChunks(frames))).toBe('Thought long.');
    expect(dataFrames(frames).at(-1)).toBe('[DONE]');
  });
});
