import { describe, expect, it } from 'vitest';
import { createStreamState, finish, step } from '../../src/stream/reducer.js';
import {
  argumentsDelta,
  callAdded,
  callDone,
  chatContext,
  completed,
  created,
  deltasOf,
  failed,
  finishReasonsOf,
  incomplete,
  inProgress,
  joinedContent,
  messageAdded,
  ROLE_DELTA,
  runReducer,
  textDelta,
  usage,
} from './stream-events.js';

const call = { id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{}' };
const textEvents = [created(), inProgress(), messageAdded('msg_1'), textDelta('msg_1', 'Some text')];
const callEvents = [created(), callAdded(call, 0), argumentsDelta('fc_1', '{}', 0), callDone(call, 0)];

describe('stream reducer: finish', () => {
  it.each([
    ['stop', textEvents, completed(), false],
    ['tool_calls', callEvents, completed(), false],
    ['function_call', callEvents, completed(), true],
    ['length', textEvents, incomplete('max_output_tokens'), false],
    ['content_filter', textEvents, incomplete('content_filter'), false],
    ['length', callEvents, incomplete('max_output_tokens'), false],
  ] as const)('sends exactly one finish chunk (%s), last, only on the terminal event', (reason, events, terminal, legacyFunctions) => {
    const { chunks, end, endedAt, usage: stateUsage } = runReducer([...events, terminal], chatContext({ legacyFunctions }));
    expect(finishReasonsOf(chunks)).toEqual([...chunks.slice(0, -1).map(() => null), reason]);
    expect(deltasOf(chunks).at(-1)).toStrictEqual({});
    expect(end).toEqual({ kind: 'finished', finishReason: reason });
    expect(endedAt).toBe(events.length);
    expect(stateUsage).toEqual(usage);
  });

  it('puts usage: null on every chunk when the client asked for include_usage, and no usage key otherwise', () => {
    const withUsage = runReducer([...textEvents, completed()], chatContext({ includeUsage: true })).chunks;
    expect(withUsage.map((chunk) => chunk.usage)).toEqual([null, null, null]);
    const without = runReducer([...textEvents, completed()]).chunks;
    expect(without.map((chunk) => 'usage' in chunk)).toEqual([false, false, false]);
  });

  it('ignores events after the terminal event', () => {
    const state = createStreamState(chatContext(), { reasoningContent: true });
    for (const event of [...textEvents, completed()]) step(state, event);
    expect(step(state, textDelta('msg_1', 'late')).chunks).toEqual([]);
    expect(step(state, completed()).chunks).toEqual([]);
    expect(step(state, failed('server_error', 'late failure'))).toEqual({ chunks: [] });
    expect(finish(state)).toEqual({ chunks: [] });
  });
});

describe('stream reducer: upstream failures', () => {
  const quotaMessage = 'You exceeded your current quota, please check your plan and billing details.';
  const quota = { code: 'insufficient_quota', message: quotaMessage, param: null };
  const quotaError = { status: 429, type: 'insufficient_quota', code: 'insufficient_quota', message: quotaMessage, param: null };
  const tooLong = { code: 'context_length_exceeded', message: 'Too long.', param: 'input' };

  it.each([
    ['nested (real traffic)', { error: { type: 'insufficient_quota', ...quota } }, quotaError],
    ['flat (types and spec)', quota, quotaError],
    [
      'flat, server error',
      { code: 'server_error', message: 'Something broke.', param: null },
      { status: 500, type: 'server_error', code: 'server_error', message: 'Something broke.', param: null },
    ],
    [
      'nested, context too long',
      { error: { type: 'invalid_request_error', ...tooLong } },
      { status: 400, type: 'invalid_request_error', ...tooLong },
    ],
  ])('ends the stream as failed on an %s error event, keeping the upstream message and code', (_name, fields, expected) => {
    const errorEvent = { type: 'error', sequence_number: 2, ...fields };
    const { chunks, end, endedAt } = runReducer([created(), inProgress(), errorEvent, failed('server_error', 'from response.failed')]);
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA]);
    expect(endedAt).toBe(2);
    expect(end?.kind).toBe('failed');
    const error = end?.kind === 'failed' ? end.error : undefined;
    const { status, type, code, message, param } = error ?? {};
    expect({ status, type, code, message, param }).toEqual(expected);
  });

  it('ends the stream as failed on response.failed, after output too, with no finish chunk', () => {
    const { chunks, end } = runReducer([...textEvents, failed('server_error', 'The model crashed.')]);
    expect(finishReasonsOf(chunks).every((reason) => reason === null)).toBe(true);
    expect(joinedContent(chunks)).toBe('Some text');
    expect(end?.kind === 'failed' && end.error.toBody()).toEqual({
      error: { message: 'The model crashed.', type: 'server_error', param: null, code: 'server_error' },
    });
  });

  it('reports a stream that ends without a terminal event as failed, never as a finish', () => {
    const state = createStreamState(chatContext(), { reasoningContent: true });
    const chunks = textEvents.flatMap((event) => step(state, event).chunks);
    expect(chunks.length).toBe(2);
    const result = finish(state);
    expect(result.chunks).toEqual([]);
    expect(result.end?.kind === 'failed' && { status: result.end.error.status, code: result.end.error.code }).toEqual({
      status: 502,
      code: 'upstream_stream_truncated',
    });
    expect(step(state, completed())).toEqual({ chunks: [] });
  });
});

describe('stream reducer: events it does not know', () => {
  it('ignores and counts unknown events, but not known events that carry nothing for Chat', () => {
    const { chunks, unknownEvents, end } = runReducer([
      created(),
      { type: 'response.hologram.delta', item_id: 'x', delta: 'zzz' },
      { item_id: 'no type at all' },
      { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 },
      { type: 'response.code_interpreter_call.interpreting', item_id: 'ci_1', output_index: 0 },
      { type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: {} },
      messageAdded('msg_1'),
      textDelta('msg_1', 'Fine.'),
      completed(),
    ]);
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, { content: 'Fine.' }, {}]);
    expect(unknownEvents).toBe(2);
    expect(end).toEqual({ kind: 'finished', finishReason: 'stop' });
  });
});
