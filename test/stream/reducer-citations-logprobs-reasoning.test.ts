import { describe, expect, it } from 'vitest';
import {
  annotationAdded,
  chatContext,
  completed,
  created,
  deltasOf,
  joinedContent,
  messageAdded,
  reasoningAdded,
  ROLE_DELTA,
  runReducer,
  summaryDelta,
  summaryPartAdded,
  textDelta,
} from './stream-events.js';

const citation = { type: 'url_citation', start_index: 4, end_index: 11, url: 'https://example.com/', title: 'Example' };

describe('stream reducer: annotations', () => {
  it('moves url_citation offsets to where their text part starts in the joined content', () => {
    const { chunks } = runReducer([
      created(),
      messageAdded('msg_intro', 0),
      textDelta('msg_intro', 'Intro.'),
      messageAdded('msg_answer', 1),
      textDelta('msg_answer', 'See example here.'),
      annotationAdded('msg_answer', citation),
      annotationAdded('msg_answer', { type: 'file_citation', file_id: 'file_1', filename: 'a.txt', index: 3 }),
      completed(),
    ]);
    const annotations = deltasOf(chunks).flatMap((delta) => delta.annotations ?? []);
    expect(annotations).toStrictEqual([
      {
        type: 'url_citation',
        url_citation: { start_index: 12, end_index: 19, url: 'https://example.com/', title: 'Example' },
      },
    ]);
    expect(joinedContent(chunks).slice(12, 19)).toBe('example');
  });

  it('offsets a citation in the second text part of one message by the first part, with no separator', () => {
    const { chunks } = runReducer([
      created(),
      messageAdded('msg_1'),
      textDelta('msg_1', 'Part one. ', 0),
      textDelta('msg_1', 'See example here.', 1),
      annotationAdded('msg_1', citation, 1),
      completed(),
    ]);
    const [annotation] = deltasOf(chunks).flatMap((delta) => delta.annotations ?? []);
    expect(annotation?.url_citation).toMatchObject({ start_index: 14, end_index: 21 });
    expect(joinedContent(chunks).slice(14, 21)).toBe('example');
  });
});

describe('stream reducer: logprobs', () => {
  const upstreamLogprobs = [
    { token: 'Hi', logprob: -0.25, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.25, bytes: [72, 105] }] },
  ];
  const events = [created(), messageAdded('msg_1'), textDelta('msg_1', 'Hi', 0, upstreamLogprobs), completed()];

  it('puts the delta logprobs on the chunk when the client asked for them', () => {
    const { chunks } = runReducer(events, chatContext({ logprobs: true }));
    expect(chunks[1]!.choices[0]).toStrictEqual({
      index: 0,
      delta: { content: 'Hi' },
      finish_reason: null,
      logprobs: {
        content: [{ token: 'Hi', logprob: -0.25, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.25, bytes: [72, 105] }] }],
        refusal: null,
      },
    });
  });

  it('leaves logprobs null when the client did not ask', () => {
    const { chunks } = runReducer(events);
    expect(chunks.map((chunk) => chunk.choices[0]!.logprobs)).toEqual([null, null, null]);
  });
});

describe('stream reducer: reasoning summaries', () => {
  const events = [
    created(),
    reasoningAdded('rs_1', 0),
    summaryPartAdded('rs_1', 0),
    summaryDelta('rs_1', 0, 'First I '),
    summaryDelta('rs_1', 0, 'think.'),
    summaryPartAdded('rs_1', 1),
    summaryDelta('rs_1', 1, 'Then I answer.'),
    reasoningAdded('rs_2', 1),
    summaryPartAdded('rs_2', 0),
    summaryDelta('rs_2', 0, 'After the tool.'),
    messageAdded('msg_1', 2),
    textDelta('msg_1', 'Done.'),
    completed(),
  ];

  it('sends summary deltas as reasoning_content, a blank line between parts and items', () => {
    const { chunks } = runReducer(events);
    expect(deltasOf(chunks).slice(1, -1)).toStrictEqual([
      { reasoning_content: 'First I ' },
      { reasoning_content: 'think.' },
      { reasoning_content: '\n\nThen I answer.' },
      { reasoning_content: '\n\nAfter the tool.' },
      { content: 'Done.' },
    ]);
  });

  it('sends raw reasoning text (reasoning_text.delta) as reasoning_content too', () => {
    const { chunks } = runReducer([
      created(),
      reasoningAdded('rs_1'),
      { type: 'response.reasoning_text.delta', item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'Raw thought.' },
      completed(),
    ]);
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, { reasoning_content: 'Raw thought.' }, {}]);
  });

  it('sends no reasoning at all when the option is off', () => {
    const { chunks } = runReducer(events, chatContext(), false);
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, { content: 'Done.' }, {}]);
  });
});
