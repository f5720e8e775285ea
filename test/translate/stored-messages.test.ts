import { describe, expect, it } from 'vitest';
import { toStoreMessages } from '../../src/translate/stored-messages.js';

const ID = 'chatcmpl-abc';

describe('toStoreMessages: a stored Response input back to Chat messages', () => {
  it.each([
    {
      name: 'instructions in the role the leading message had',
      instructions: 'Be brief.',
      role: 'system' as const,
      items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
      expected: [
        { role: 'system', content: 'Be brief.', name: null, content_parts: null },
        { role: 'user', content: 'Hi', name: null, content_parts: null },
      ],
    },
    {
      name: 'an assistant message and its tool calls as one message; custom calls too',
      instructions: null,
      role: 'system' as const,
      items: [
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'shell', input: 'ls' },
        { type: 'function_call_output', call_id: 'call_1', output: 'found' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'a.txt' }] },
      ],
      expected: [
        {
          role: 'assistant',
          content: 'Let me look.',
          refusal: null,
          name: null,
          content_parts: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } },
            { id: 'call_2', type: 'custom', custom: { name: 'shell', input: 'ls' } },
          ],
        },
        { role: 'tool', content: 'found', tool_call_id: 'call_1', name: null, content_parts: null },
        { role: 'tool', content: 'a.txt', tool_call_id: 'call_2', name: null, content_parts: null },
      ],
    },
    {
      name: 'legacy function calls as function_call and function messages',
      instructions: undefined,
      role: 'system' as const,
      items: [
        { type: 'function_call', call_id: 'call_legacy_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_legacy_1', output: 'cold' },
      ],
      expected: [
        { role: 'assistant', content: null, refusal: null, name: null, content_parts: null, function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { role: 'function', content: 'cold', name: 'get_weather', content_parts: null },
      ],
    },
    {
      name: 'refusals kept; replayed reasoning, item references and later developer messages',
      instructions: 'Rules.',
      role: 'developer' as const,
      items: [
        { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'item_reference', id: 'msg_0' },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Later rule.' }] },
      ],
      expected: [
        { role: 'developer', content: 'Rules.', name: null, content_parts: null },
        { role: 'assistant', content: null, refusal: 'I cannot.', name: null, content_parts: null },
        { role: 'developer', content: 'Later rule.', name: null, content_parts: null },
      ],
    },
    {
      name: 'user parts as content_parts (images keep detail, files their fields)',
      instructions: null,
      role: 'system' as const,
      items: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Read ' },
            { type: 'input_file', file_id: 'file-1', filename: 'a.pdf' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'high' },
          ],
        },
      ],
      expected: [
        {
          role: 'user',
          content: 'Read ',
          name: null,
          content_parts: [
            { type: 'text', text: 'Read ' },
            { type: 'file', file: { file_id: 'file-1', filename: 'a.pdf' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
          ],
        },
      ],
    },
  ])('$name', ({ instructions, role, items, expected }) => {
    const messages = toStoreMessages(ID, instructions, role, items);
    expect(messages).toEqual(expected.map((message, position) => ({ id: `${ID}-${position}`, ...message })));
  });

  it('reads leniently: entries that are not objects, unknown types, missing fields', () => {
    const items = [{ type: 'message', role: 'user', content: 'plain' }, { type: 'web_search_call' }, { type: 'function_call' }] as Array<Record<string, unknown>>;
    expect(toStoreMessages(ID, 42, 'system', items)).toEqual([
      { id: `${ID}-0`, role: 'user', content: 'plain', name: null, content_parts: null },
      { id: `${ID}-1`, role: 'assistant', content: null, refusal: null, name: null, content_parts: null, tool_calls: [{ id: '', type: 'function', function: { name: '', arguments: '' } }] },
    ]);
  });
});
