import { describe, expect, it } from 'vitest';
import { reasoningByCallId, withReplayedReasoning, type RememberedReasoning } from '../../src/reasoning/replay.js';
import type { InputItem } from '../../src/types/responses.js';
import type { UpstreamOutputItem } from '../../src/types/responses-upstream.js';

const reasoning = (id: string, encrypted: string | null = `enc-${id}`): UpstreamOutputItem => ({
  type: 'reasoning',
  id,
  status: 'completed',
  summary: [{ type: 'summary_text', text: `thinking ${id}` }],
  ...(encrypted !== null && { encrypted_content: encrypted }),
});
const replayed = (id: string) => ({
  type: 'reasoning' as const,
  id,
  summary: [{ type: 'summary_text', text: `thinking ${id}` }],
  encrypted_content: `enc-${id}`,
});
const message = (text: string): UpstreamOutputItem => ({ type: 'message', id: `msg_${text}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text }] });
const call = (callId: string): UpstreamOutputItem => ({ type: 'function_call', id: `fc_${callId}`, call_id: callId, name: 'lookup', arguments: '{}', status: 'completed' });

describe('reasoningByCallId', () => {
  it.each([
    {
      name: 'reasoning then a call',
      output: [reasoning('rs_1'), call('call_a')],
      expected: { call_a: { model: 'o-test', items: [replayed('rs_1')], before: 'call' } },
    },
    {
      name: 'reasoning, commentary, then a call',
      output: [reasoning('rs_1'), message('Let me look.'), call('call_a')],
      expected: { call_a: { model: 'o-test', items: [replayed('rs_1')], before: 'message' } },
    },
    {
      name: 'two reasoning items then parallel calls: only the first call holds them',
      output: [reasoning('rs_1'), reasoning('rs_2'), call('call_a'), call('call_b')],
      expected: { call_a: { model: 'o-test', items: [replayed('rs_1'), replayed('rs_2')], before: 'call' } },
    },
    {
      name: 'reasoning that led only to a final answer',
      output: [reasoning('rs_1'), message('Done.')],
      expected: {},
    },
    {
      name: 'reasoning without encrypted content (cannot be replayed statelessly)',
      output: [reasoning('rs_1', null), call('call_a')],
      expected: {},
    },
    {
      name: 'reasoning before each of two calls in one answer',
      output: [reasoning('rs_1'), call('call_a'), reasoning('rs_2'), call('call_b')],
      expected: {
        call_a: { model: 'o-test', items: [replayed('rs_1')], before: 'call' },
        call_b: { model: 'o-test', items: [replayed('rs_2')], before: 'call' },
      },
    },
  ])('$name', ({ output, expected }) => {
    expect(Object.fromEntries(reasoningByCallId(output, 'o-test'))).toEqual(expected);
  });

  it('never keeps the status field, which the API refuses on replay', () => {
    const memory = reasoningByCallId([reasoning('rs_1'), call('call_a')], 'o-test').get('call_a');
    expect(memory?.items[0]).not.toHaveProperty('status');
  });
});

describe('withReplayedReasoning', () => {
  const user: InputItem = { type: 'message', role: 'user', content: 'Look it up' };
  const assistantText: InputItem = { type: 'message', role: 'assistant', content: 'Let me look.' };
  const functionCall = (callId: string): InputItem => ({ type: 'function_call', call_id: callId, name: 'lookup', arguments: '{}' });
  const result = (callId: string): InputItem => ({ type: 'function_call_output', call_id: callId, output: '42' });
  const memory = (before: 'message' | 'call', model = 'o-test'): RememberedReasoning => ({ model, items: [replayed('rs_1')], before });

  it.each([
    {
      name: 'before the call it preceded',
      input: [user, functionCall('call_a'), result('call_a')],
      remembered: { call_a: memory('call') },
      expected: [user, replayed('rs_1'), functionCall('call_a'), result('call_a')],
    },
    {
      name: 'before the assistant text when the reasoning preceded it',
      input: [user, assistantText, functionCall('call_a'), result('call_a')],
      remembered: { call_a: memory('message') },
      expected: [user, replayed('rs_1'), assistantText, functionCall('call_a'), result('call_a')],
    },
    {
      name: 'before the call when the client dropped the assistant text',
      input: [user, functionCall('call_a'), result('call_a')],
      remembered: { call_a: memory('message') },
      expected: [user, replayed('rs_1'), functionCall('call_a'), result('call_a')],
    },
    {
      name: 'not at all for another model',
      input: [user, functionCall('call_a'), result('call_a')],
      remembered: { call_a: memory('call', 'o-other') },
      expected: [user, functionCall('call_a'), result('call_a')],
    },
    {
      name: 'not at all for unknown calls',
      input: [user, functionCall('call_z'), result('call_z')],
      remembered: { call_a: memory('call') },
      expected: [user, functionCall('call_z'), result('call_z')],
    },
  ])('puts reasoning back $name', ({ input, remembered, expected }) => {
    const lookup = new Map(Object.entries(remembered));
    const { input: replayedInput, replayed: count } = withReplayedReasoning(input, 'o-test', (callId) => lookup.get(callId));
    expect(replayedInput).toEqual(expected);
    expect(count).toBe(expected.length - input.length);
  });
});
