import { describe, expect, it } from 'vitest';
import { toChatCompletion } from '../../src/translate/response.js';
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
