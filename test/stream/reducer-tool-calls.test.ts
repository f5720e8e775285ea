import { describe, expect, it } from 'vitest';
import { functionCallItem, functionCallStreamEvents, responseObject } from '../../tools/fake-upstream/index.js';
import {
  argumentsDelta,
  argumentsDone,
  type CallItem,
  callAdded,
  callDone,
  chatContext,
  completed,
  completedCall,
  created,
  customInputDelta,
  customInputDone,
  deltasOf,
  finishReasonsOf,
  messageAdded,
  messageDone,
  outputText,
  reasoningAdded,
  ROLE_DELTA,
  runReducer,
  textDelta,
} from './stream-events.js';

const weather: CallItem = { id: 'fc_weather', call_id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris"}' };
const time: CallItem = { id: 'fc_time', call_id: 'call_time', name: 'get_time', arguments: '{"zone":"CET"}' };
const news: CallItem = { id: 'fc_news', call_id: 'call_news', name: 'get_news', arguments: '{}' };
const sql: CallItem = {
  id: 'ctc_sql',
  call_id: 'call_sql',
  name: 'execute_sql',
  input: 'SELECT 1;',
  type: 'custom_tool_call',
};

const header = (index: number, call: CallItem) => ({
  tool_calls: [{ index, id: call.call_id, type: 'function', function: { name: call.name, arguments: '' } }],
});
const fragment = (index: number, text: string) => ({ tool_calls: [{ index, function: { arguments: text } }] });

describe('stream reducer: tool calls', () => {
  it('numbers parallel calls 0, 1, 2 in order of appearance, not by output_index, with call ids', () => {
    const { chunks, end } = runReducer([
      created(),
      reasoningAdded('rs_1', 0),
      callAdded(weather, 1),
      argumentsDelta('fc_weather', '{"city":', 1),
      argumentsDelta('fc_weather', '"Paris"}', 1),
      argumentsDone('fc_weather', weather.arguments!, 1),
      callDone(weather, 1),
      callAdded(time, 2),
      argumentsDelta('fc_time', time.arguments!, 2),
      callDone(time, 2),
      callAdded(news, 3),
      argumentsDelta('fc_news', '{}', 3),
      callDone(news, 3),
      completed([completedCall(weather), completedCall(time), completedCall(news)]),
    ]);
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      header(0, weather),
      fragment(0, '{"city":'),
      fragment(0, '"Paris"}'),
      header(1, time),
      fragment(1, '{"zone":"CET"}'),
      header(2, news),
      fragment(2, '{}'),
      {},
    ]);
    expect(finishReasonsOf(chunks)).toEqual([null, null, null, null, null, null, null, null, 'tool_calls']);
    expect(end).toEqual({ kind: 'finished', finishReason: 'tool_calls' });
  });

  it('routes interleaved argument deltas of two calls by item_id', () => {
    const { chunks } = runReducer([
      created(),
      callAdded(weather, 0),
      callAdded(time, 1),
      argumentsDelta('fc_time', '{"zone":', 1),
      argumentsDelta('fc_weather', '{"city":', 0),
      argumentsDelta('fc_time', '"CET"}', 1),
      argumentsDelta('fc_weather', '"Paris"}', 0),
      argumentsDone('fc_weather', weather.arguments!, 0),
      argumentsDone('fc_time', time.arguments!, 1),
      callDone(weather, 0),
      callDone(time, 1),
      completed([completedCall(weather), completedCall(time)]),
    ]);
    expect(deltasOf(chunks).slice(1, -1)).toStrictEqual([
      header(0, weather),
      header(1, time),
      fragment(1, '{"zone":'),
      fragment(0, '{"city":'),
      fragment(1, '"CET"}'),
      fragment(0, '"Paris"}'),
    ]);
  });

  it.each([
    [
      'only function_call_arguments.done',
      [callAdded(weather, 0), argumentsDone('fc_weather', weather.arguments!, 0), callDone(weather, 0)],
    ],
    ['only output_item.done', [callAdded(weather, 0), callDone(weather, 0)]],
    ['only output_item.done, without output_item.added', [callDone(weather, 0)]],
    [
      'the added item itself',
      [
        { ...callAdded(weather, 0), item: { ...completedCall(weather), status: 'in_progress' } },
        argumentsDone('fc_weather', weather.arguments!, 0),
        callDone(weather, 0),
      ],
    ],
  ])('emits arguments that arrive in %s exactly once', (_name, events) => {
    const { chunks } = runReducer([created(), ...events, completed([completedCall(weather)])]);
    expect(deltasOf(chunks)).toStrictEqual([ROLE_DELTA, header(0, weather), fragment(0, '{"city":"Paris"}'), {}]);
  });

  it('keeps preamble text and the tool call in one choice', () => {
    const { chunks, end } = runReducer([
      created(),
      messageAdded('msg_1', 0),
      textDelta('msg_1', 'Checking the weather.'),
      messageDone('msg_1', [outputText('Checking the weather.')]),
      callAdded(weather, 1),
      argumentsDelta('fc_weather', weather.arguments!, 1),
      callDone(weather, 1),
      completed(),
    ]);
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      { content: 'Checking the weather.' },
      header(0, weather),
      fragment(0, '{"city":"Paris"}'),
      {},
    ]);
    expect(chunks.map((chunk) => chunk.choices.length === 1 && chunk.choices[0]!.index)).toEqual([0, 0, 0, 0, 0]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'tool_calls' });
  });

  it('streams custom tool calls with type custom and input fragments', () => {
    const { chunks, end } = runReducer([
      created(),
      callAdded(sql, 0),
      customInputDelta('ctc_sql', 'SELECT ', 0),
      customInputDelta('ctc_sql', '1;', 0),
      customInputDone('ctc_sql', 'SELECT 1;', 0),
      callDone(sql, 0),
      completed([completedCall(sql)]),
    ]);
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      { tool_calls: [{ index: 0, id: 'call_sql', type: 'custom', custom: { name: 'execute_sql', input: '' } }] },
      { tool_calls: [{ index: 0, custom: { input: 'SELECT ' } }] },
      { tool_calls: [{ index: 0, custom: { input: '1;' } }] },
      {},
    ]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'tool_calls' });
  });

  it('emits custom tool input that arrives only in custom_tool_call_input.done once', () => {
    const { chunks } = runReducer([
      created(),
      callAdded(sql, 0),
      customInputDone('ctc_sql', 'SELECT 1;', 0),
      callDone(sql, 0),
      completed(),
    ]);
    expect(deltasOf(chunks).slice(2, -1)).toStrictEqual([{ tool_calls: [{ index: 0, custom: { input: 'SELECT 1;' } }] }]);
  });

  it('answers legacy functions clients with function_call deltas for the first call only', () => {
    const { chunks, end } = runReducer(
      [
        created(),
        callAdded(weather, 0),
        argumentsDelta('fc_weather', weather.arguments!, 0),
        callDone(weather, 0),
        callAdded(time, 1),
        argumentsDelta('fc_time', time.arguments!, 1),
        callDone(time, 1),
        completed(),
      ],
      chatContext({ legacyFunctions: true }),
    );
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      { function_call: { name: 'get_weather', arguments: '' } },
      { function_call: { arguments: '{"city":"Paris"}' } },
      {},
    ]);
    expect(end).toEqual({ kind: 'finished', finishReason: 'function_call' });
  });

  it('runs the function call streams the fake upstream builds', () => {
    const call = functionCallItem('lookup', '{"q":"x"}', 'call_lookup');
    const events = functionCallStreamEvents(responseObject({ output: [call] }), [
      { name: 'lookup', args: ['{"q"', ':"x"}'], callId: 'call_lookup' },
    ]);
    const { chunks } = runReducer(events);
    expect(deltasOf(chunks)).toStrictEqual([
      ROLE_DELTA,
      { tool_calls: [{ index: 0, id: 'call_lookup', type: 'function', function: { name: 'lookup', arguments: '' } }] },
      fragment(0, '{"q"'),
      fragment(0, ':"x"}'),
      {},
    ]);
  });
});
