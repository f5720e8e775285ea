import { describe, expect, it } from 'vitest';
import { ReasoningContinuity } from '../../src/reasoning/continuity.js';
import { sizeOfReasoning } from '../../src/reasoning/replay.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { toChatCompletion } from '../../src/translate/response.js';
import type { ResponsesRequest } from '../../src/types/responses.js';
import { completed, joinedContent, messageAdded, runReducer, textDelta, created, chatContext } from '../stream/stream-events.js';

/** Upstream payloads that are not what the spec says: skipped where malformed, never a crash. */
const context = chatContext({ logprobs: true });
const options = { reasoningContent: true };
const goodMessage = { type: 'message', id: 'msg_ok', role: 'assistant', content: [{ type: 'output_text', text: 'kept', annotations: [] }] };

describe('malformed upstream output', () => {
  it.each([
    ['null output entries', [null, goodMessage, 7]],
    ['content that is not a list', [{ type: 'message', id: 'msg_bad', content: 'oops' }, goodMessage]],
    ['null content parts', [{ type: 'message', id: 'msg_bad', content: [null, 3] }, goodMessage]],
    ['annotations and logprobs that are not lists of objects', [
      { type: 'message', id: 'msg_bad', content: [{ type: 'output_text', text: '', annotations: [null], logprobs: 'x' }] },
      goodMessage,
    ]],
    ['a reasoning item whose summary is not a list', [{ type: 'reasoning', id: 'rs_1', summary: 5 }, goodMessage]],
  ])('non-stream: %s are skipped and the rest translated', (_name, output) => {
    const completion = toChatCompletion({ status: 'completed', output: output as never[] }, context, options);
    expect(completion.choices[0]!.message.content).toBe('kept');
  });

  it.each([
    ['a terminal output with null entries', [created(), completed([null, goodMessage])]],
    ['a text delta with null logprobs entries', [created(), messageAdded('msg_ok'), { ...textDelta('msg_ok', 'kept'), logprobs: [null] }, completed()]],
    ['an item event without an item', [created(), { type: 'response.output_item.added', output_index: 0 }, { ...textDelta('msg_ok', 'kept') }, completed()]],
  ])('stream: %s', (_name, events) => {
    const { chunks, end } = runReducer(events as never[], context);
    expect(joinedContent(chunks)).toBe('kept');
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });
});

/** Wrong types that made the translators throw (issue 12, item 10): each is read as if absent. */
describe('fields of the wrong type', () => {
  const withLogprobs = (logprobs: unknown) => ({
    type: 'message',
    id: 'msg_lp',
    content: [{ type: 'output_text', text: 'Hi', annotations: [], logprobs }],
  });

  it.each([
    ['top_logprobs: [null]', [{ token: 'Hi', logprob: -1, bytes: [72, 105], top_logprobs: [null, { token: 'Ho', logprob: -2 }] }], [{ token: 'Ho', logprob: -2, bytes: null }]],
    ['top_logprobs that is not a list', [{ token: 'Hi', logprob: -1, bytes: [72, 105], top_logprobs: -1 }], []],
  ])('non-stream: %s', (_name, logprobs, top) => {
    const completion = toChatCompletion({ status: 'completed', output: [withLogprobs(logprobs) as never] }, context, options);
    expect(completion.choices[0]!.logprobs!.content).toEqual([{ token: 'Hi', logprob: -1, bytes: [72, 105], top_logprobs: top }]);
  });

  it('non-stream: a token, logprob and bytes of the wrong types read as absent', () => {
    const completion = toChatCompletion({ status: 'completed', output: [withLogprobs([{ token: 5, logprob: 'x', bytes: 'ab', top_logprobs: [] }]) as never] }, context, options);
    expect(completion.choices[0]!.logprobs!.content).toEqual([{ token: '', logprob: 0, bytes: null, top_logprobs: [] }]);
  });

  it.each([[7], [true], [{}], [['resp_x']]])('non-stream and stream: an id of %j gets an id of our own', (id) => {
    const completion = toChatCompletion({ id: id as never, status: 'completed', output: [goodMessage as never] }, context, options);
    expect(completion.id).toMatch(/^chatcmpl-\d+$/);
    const { chunks } = runReducer([created({ id }), messageAdded('msg_ok'), textDelta('msg_ok', 'kept'), completed()] as never[], context);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0]!.id).toMatch(/^chatcmpl-\d+$/);
  });

  it('stream: a text delta whose logprobs hold top_logprobs: [null]', () => {
    const delta = textDelta('msg_ok', 'kept', 0, [{ token: 'kept', logprob: -1, bytes: null, top_logprobs: [null] }]);
    const { chunks } = runReducer([created(), messageAdded('msg_ok'), delta, completed()] as never[], context);
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? [])).toEqual([{ token: 'kept', logprob: -1, bytes: null, top_logprobs: [] }]);
  });

  it.each([
    ['fields of other types', { code: ['x'], message: 5, type: true, param: {} }, { status: 500, message: 'The upstream response failed.', type: 'server_error', param: null, code: null }],
    ['a numeric code', { code: 429, message: 'Slow down.', type: null, param: null }, { status: 500, message: 'Slow down.', type: 'server_error', param: null, code: '429' }],
    ['an error that is a list', ['rate_limit_exceeded'], { status: 500, message: 'The upstream response failed.', type: 'server_error', param: null, code: null }],
  ])('a failed Response whose error has %s: every field of the client error a string or null', (_name, error, expected) => {
    let thrown: unknown;
    try {
      toChatCompletion({ status: 'failed', output: [], error: error as never }, context, options);
    } catch (caught) {
      thrown = caught;
    }
    const { status, message, type, param, code } = thrown as Record<string, unknown>;
    expect({ status, message, type, param, code }).toEqual(expected);
  });

  it('usage counts that are not numbers count as 0', () => {
    const usage = { input_tokens: '11', output_tokens: 10, total_tokens: null, input_tokens_details: 5, output_tokens_details: { reasoning_tokens: 'x' } };
    const completion = toChatCompletion({ status: 'completed', output: [goodMessage as never], usage: usage as never }, context, options);
    expect(completion.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 10, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
    expect(completion.usage.completion_tokens_details.reasoning_tokens).toBe(0);
  });

  it('reasoning memory skips output entries that are not objects', async () => {
    const store = new MemoryStore(1024 * 1024, 60_000, sizeOfReasoning);
    const continuity = new ReasoningContinuity(store);
    const request = { model: 'gpt-5-test', input: [] } as unknown as ResponsesRequest;
    const prepared = await continuity.prepare(request, { authorization: 'Bearer sk-a', forwardedHeaders: {} });
    const reasoning = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAA' };
    const call = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f', arguments: '{}' };
    await continuity.capture(prepared, { status: 'completed', output: [null, reasoning, 7, call] as never[] });
    const next = await continuity.prepare({ model: 'gpt-5-test', input: [{ type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' }] } as unknown as ResponsesRequest, {
      authorization: 'Bearer sk-a',
      forwardedHeaders: {},
    });
    expect(next.replayed).toBe(1);
  });
});

describe('messages delivered whole in a stream', () => {
  const citation = { type: 'url_citation', start_index: 4, end_index: 10, url: 'https://example.com', title: 'Example' };
  const whole = { type: 'message', id: 'msg_whole', role: 'assistant', content: [{ type: 'output_text', text: 'See source', annotations: [citation] }] };

  it.each([
    ['only in output_item.done', [created(), { type: 'response.output_item.done', output_index: 0, item: whole }, completed()]],
    ['only in the terminal output', [created(), completed([whole])]],
  ])('keep their citations (%s)', (_name, events) => {
    const { chunks } = runReducer(events as never[], context);
    expect(joinedContent(chunks)).toBe('See source');
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta.annotations ?? [])).toEqual([
      { type: 'url_citation', url_citation: { start_index: 4, end_index: 10, url: 'https://example.com', title: 'Example' } },
    ]);
  });
});
