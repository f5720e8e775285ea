import { describe, expect, it } from 'vitest';
import { createStreamState, step } from '../../src/stream/reducer.js';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import {
  chatContext,
  COMPLETION_ID,
  completed,
  CREATED_AT,
  created,
  deltasOf,
  inProgress,
  joinedContent,
  messageAdded,
  messageDone,
  MODEL,
  numbered,
  outputText,
  partAdded,
  reasoningAdded,
  refusalDelta,
  refusalDone,
  ROLE_DELTA,
  runReducer,
  summaryDelta,
  textDelta,
  textDone,
} from './stream-events.js';

describe('stream reducer: envelope and role', () => {
  it('answers response.created with exactly one role chunk carrying the response id, created and model', () => {
    const state = createStreamState(chatContext(), { reasoningContent: true });
    expect(step(state, created()).chunks).toStrictEqual([
      {
        id: COMPLETION_ID,
        object: 'chat.completion.chunk',
        created: CREATED_AT,
        model: MODEL,
        service_tier: 'auto',
        choices: [{ index: 0, delta: ROLE_DELTA, logprobs: null, finish_reason: null }],
      },
    ]);
    expect(step(state, inProgress()).chunks).toEqual([]);
  });

  it('uses the choice index it was created for', () => {
    const state = createStreamState(chatContext({ n: 3 }), { reasoningContent: true }, 2);
    expect(step(state, created()).chunks.map((chunk) => chunk.choices[0]!.index)).toEqual([2]);
  });

  it.each([
    ['with response.created', [created(), messageAdded('msg_1'), textDelta('msg_1', 'Hi'), completed()]],
    ['from a relay that skips response.created', [messageAdded('msg_1'), textDelta('msg_1', 'Hi'), completed()]],
  ])('keeps one id, created and model on every chunk %s', (_name, events) => {
    const { chunks } = runReducer(events);
    expect(chunks.length).toBe(3);
    const envelopes = chunks.map(({ id, created: createdAt, model }) => ({ id, created: createdAt, model }));
    expect(new Set(envelopes.map((envelope) => JSON.stringify(envelope))).size).toBe(1);
    expect(deltasOf(chunks)[0]).toStrictEqual(ROLE_DELTA);
  });
});

describe('stream reducer: text', () => {
  it('turns text deltas into content deltas, then one finish chunk', () => {
    const { chunks, end } = runReducer(
      numbered([
        created(),
        inProgress(),
        messageAdded('msg_1'),
        partAdded('msg_1'),
        textDelta('msg_1', 'Hello'),
        textDelta('msg_1', ', wörld 👋'),
        textDone('msg_1', 'Hello, wörld 👋'),
        messageDone('msg_1', [outputText('Hello, wörld 👋')]),
        completed([]),
      ]),
    );
    expect(chunks.map((chunk) => chunk.choices[0])).toStrictEqual([
      { index: 0, delta: ROLE_DELTA, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: ', wörld 👋' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });

  it('accepts the 2025-03 wire format (no sequence_number, no logprobs) with the same result', () => {
    const events = [
      created(),
      messageAdded('msg_1'),
      partAdded('msg_1'),
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Paris' },
      { type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text: 'Paris' },
      completed(),
    ];
    expect(events.some((event) => 'sequence_number' in event)).toBe(false);
    const legacy = runReducer(events);
    expect(joinedContent(legacy.chunks)).toBe('Paris');
    expect(legacy.chunks).toEqual(runReducer(numbered(events)).chunks);
  });

  it('joins the texts of several message items with a blank line, in one choice', () => {
    const { chunks } = runReducer([
      created(),
      messageAdded('msg_commentary', 0),
      textDelta('msg_commentary', 'Let me check.'),
      messageAdded('msg_answer', 1),
      textDelta('msg_answer', 'It is 42.'),
      completed(),
    ]);
    expect(deltasOf(chunks).slice(1, -1)).toStrictEqual([{ content: 'Let me check.' }, { content: '\n\nIt is 42.' }]);
    expect(new Set(chunks.map((chunk) => chunk.choices[0]!.index))).toEqual(new Set([0]));
  });

  it('runs the streams the fake upstream builds', () => {
    const response = responseObject({ output: [messageItem('Hello from the fake.')] });
    const { chunks, end } = runReducer(textStreamEvents(response, ['Hello', ' from', ' the fake.']));
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, { content: 'Hello' }, { content: ' from' }, { content: ' the fake.' }, {}]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });
});

describe('stream reducer: output that marks the stream as started', () => {
  it.each([
    ['nothing but the envelope', [created(), inProgress(), messageAdded('msg_1'), partAdded('msg_1')], false],
    ['an empty text delta', [created(), messageAdded('msg_1'), textDelta('msg_1', '')], false],
    ['a text delta', [created(), messageAdded('msg_1'), textDelta('msg_1', 'Hi')], true],
    ['a reasoning summary delta', [created(), reasoningAdded('rs_1'), summaryDelta('rs_1', 0, 'Thinking')], true],
  ])('reports hasOutput after %s: %s', (_name, events, expected) => {
    const state = createStreamState(chatContext(), { reasoningContent: true });
    for (const event of events) step(state, event);
    expect(state.hasOutput).toBe(expected);
  });
});

describe('stream reducer: text that arrives whole (relays)', () => {
  it.each([
    ['only output_item.done', [messageAdded('msg_1'), messageDone('msg_1', [outputText('Whole answer.')])]],
    [
      'only output_text.done',
      [messageAdded('msg_1'), partAdded('msg_1'), textDone('msg_1', 'Whole answer.'), messageDone('msg_1', [outputText('Whole answer.')])],
    ],
    [
      'deltas, then output_text.done and output_item.done',
      [
        messageAdded('msg_1'),
        textDelta('msg_1', 'Whole '),
        textDelta('msg_1', 'answer.'),
        textDone('msg_1', 'Whole answer.'),
        messageDone('msg_1', [outputText('Whole answer.')]),
      ],
    ],
  ])('delivers the text once from %s', (_name, events) => {
    const { chunks } = runReducer([created(), ...events, completed()]);
    expect(joinedContent(chunks)).toBe('Whole answer.');
  });

  it('delivers output that only the terminal event carries, text and tool calls', () => {
    const call = { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'lookup', arguments: '{}' };
    const { chunks, end } = runReducer([created(), completed([messageDone('msg_1', [outputText('Looking.')]).item, call])]);
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      { content: 'Looking.' },
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'tool_calls' });
  });

  it('delivers a second text part that only output_item.done carries', () => {
    const { chunks } = runReducer([
      created(),
      messageAdded('msg_1'),
      textDelta('msg_1', 'One.', 0),
      messageDone('msg_1', [outputText('One.'), outputText(' Two.')]),
      completed(),
    ]);
    expect(joinedContent(chunks)).toBe('One. Two.');
  });
});

describe('stream reducer: refusals', () => {
  it.each([
    ['deltas and refusal.done', [refusalDelta('msg_1', "I can't "), refusalDelta('msg_1', 'help.'), refusalDone('msg_1', "I can't help.")]],
    ['only refusal.done', [refusalDone('msg_1', "I can't help.")]],
    ['only output_item.done', [messageDone('msg_1', [{ type: 'refusal', refusal: "I can't help." }])]],
  ])('sends the refusal once as delta.refusal from %s', (_name, events) => {
    const { chunks, end } = runReducer([created(), messageAdded('msg_1'), partAdded('msg_1', 0, 'refusal'), ...events, completed()]);
    const deltas = deltasOf(chunks).slice(1, -1);
    expect(deltas.map((delta) => delta.refusal).join('')).toBe("I can't help.");
    expect(deltas.every((delta) => delta.content === undefined)).toBe(true);
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });
});
