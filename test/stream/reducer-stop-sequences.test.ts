import { describe, expect, it } from 'vitest';
import { createStreamState, step } from '../../src/stream/reducer.js';
import {
  annotationAdded,
  chatContext,
  completed,
  created,
  deltasOf,
  finishReasonsOf,
  joinedContent,
  messageAdded,
  ROLE_DELTA,
  runReducer,
  textDelta,
} from './stream-events.js';

describe('stream reducer: stop sequences', () => {
  it.each([
    ['split across deltas', ['Hello E', 'ND and more'], ['END'], ['Hello ']],
    ['inside one delta', ['Hello END more'], ['END'], ['Hello ']],
    ['at the very start', ['END'], ['END'], []],
    ['the earliest of several', ['a', ';b\nc'], ['\n', ';'], ['a']],
    ['held back, then released, then found', ['x E', 'x E', 'ND'], ['END'], ['x ', 'Ex ']],
  ])('cuts the content at a stop sequence %s and ends right away', (_name, deltas, stop, expectedContent) => {
    const events = [created(), messageAdded('msg_1'), ...deltas.map((delta) => textDelta('msg_1', delta))];
    const { chunks, end, endedAt } = runReducer([...events, textDelta('msg_1', 'never sent'), completed()], chatContext({ stop }));
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, ...expectedContent.map((content) => ({ content })), {}]);
    expect(finishReasonsOf(chunks).at(-1)).toBe('stop');
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
    expect(endedAt).toBe(events.length - 1);
  });

  it('releases held-back text when the response ends without reaching the stop sequence', () => {
    const { chunks, end } = runReducer(
      [created(), messageAdded('msg_1'), textDelta('msg_1', 'Almost E'), completed()],
      chatContext({ stop: ['END'] }),
    );
    expect(joinedContent(chunks)).toBe('Almost E');
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });

  it('keeps the blank line between messages when the first text was held back entirely', () => {
    const { chunks } = runReducer(
      [created(), messageAdded('msg_1', 0), textDelta('msg_1', 'E'), messageAdded('msg_2', 1), textDelta('msg_2', 'Next.'), completed()],
      chatContext({ stop: ['END'] }),
    );
    expect(joinedContent(chunks)).toBe('E\n\nNext.');
  });

  const token = (text: string) => ({ token: text, logprob: -1, bytes: [...Buffer.from(text)], top_logprobs: [] });

  it('sends a token logprob with the chunk that completes its text, and never for text cut off', () => {
    const { chunks } = runReducer(
      [
        created(),
        messageAdded('msg_1'),
        textDelta('msg_1', 'Yes S', 0, [token('Yes'), token(' S')]),
        textDelta('msg_1', 'TOP now', 0, [token('TOP'), token(' now')]),
      ],
      chatContext({ stop: ['STOP'], logprobs: true }),
    );
    expect(chunks.map((chunk) => chunk.choices[0])).toStrictEqual([
      { index: 0, delta: ROLE_DELTA, finish_reason: null, logprobs: null },
      { index: 0, delta: { content: 'Yes ' }, finish_reason: null, logprobs: { content: [token('Yes')], refusal: null } },
      { index: 0, delta: {}, finish_reason: 'stop', logprobs: null },
    ]);
  });

  it('releases held-back logprobs with the held-back text at the end', () => {
    const { chunks } = runReducer(
      [created(), messageAdded('msg_1'), textDelta('msg_1', 'Almost S', 0, [token('Almost'), token(' S')]), completed()],
      chatContext({ stop: ['STOP'], logprobs: true }),
    );
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0])).toStrictEqual([
      { index: 0, delta: { content: 'Almost ' }, finish_reason: null, logprobs: { content: [token('Almost')], refusal: null } },
      { index: 0, delta: { content: 'S' }, finish_reason: null, logprobs: { content: [token(' S')], refusal: null } },
    ]);
  });

  it('offsets annotations by the text written, including text still held back', () => {
    const citation = { type: 'url_citation', start_index: 4, end_index: 11, url: 'https://example.com/', title: 'Example' };
    const { chunks } = runReducer(
      [
        created(),
        messageAdded('msg_1', 0),
        textDelta('msg_1', 'E'),
        messageAdded('msg_2', 1),
        textDelta('msg_2', 'See example here.'),
        annotationAdded('msg_2', citation),
        completed(),
      ],
      chatContext({ stop: ['END'] }),
    );
    const [annotation] = deltasOf(chunks).flatMap((delta) => delta.annotations ?? []);
    expect(annotation?.url_citation).toMatchObject({ start_index: 7, end_index: 14 });
    expect(joinedContent(chunks).slice(7, 14)).toBe('example');
  });

  it('drops the logprobs of tokens cut by the stop sequence', () => {
    const { chunks } = runReducer(
      [created(), messageAdded('msg_1'), textDelta('msg_1', 'Yes. STOP now', 0, [token('Yes'), token('.'), token(' STOP'), token(' now')])],
      chatContext({ stop: ['STOP'], logprobs: true }),
    );
    expect(chunks[1]!.choices[0]).toStrictEqual({
      index: 0,
      delta: { content: 'Yes. ' },
      finish_reason: null,
      logprobs: { content: [token('Yes'), token('.')], refusal: null },
    });
  });
});

describe('stream reducer: reading on after a stop sequence', () => {
  it('sends nothing more but records the usage of the terminal event', () => {
    const state = createStreamState(chatContext({ stop: ['END'], includeUsage: true }), { reasoningContent: true });
    for (const event of [created(), messageAdded('msg_1'), textDelta('msg_1', 'Hi END')]) step(state, event);
    expect(state.finished).toBe(true);
    expect(state.usage).toBeUndefined();

    const late = [textDelta('msg_1', ' more'), completed([], { usage: { input_tokens: 3, output_tokens: 9, total_tokens: 12 } })];
    const results = late.map((event) => step(state, event));

    expect(results.flatMap((result) => result.chunks)).toEqual([]);
    expect(results.some((result) => result.end)).toBe(false);
    expect(state.usage).toEqual({ input_tokens: 3, output_tokens: 9, total_tokens: 12 });
  });
});
