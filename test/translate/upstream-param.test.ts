import { describe, expect, it } from 'vitest';
import { toResponsesRequest } from '../../src/translate/request.js';
import { toChatParam } from '../../src/translate/upstream-param.js';

/** A Chat request with something at every place an upstream error can point to. */
const chat = {
  model: 'gpt-test',
  max_completion_tokens: 64,
  messages: [
    { role: 'system' as const, content: 'Be brief.' },
    { role: 'user' as const, content: [{ type: 'text' as const, text: 'Look:' }, { type: 'image_url' as const, image_url: { url: 'https://example.com/a.png' } }] },
    {
      role: 'assistant' as const,
      content: 'Checking.',
      tool_calls: [{ id: 'call_1', type: 'function' as const, function: { name: 'lookup', arguments: '{}' } }],
    },
    { role: 'tool' as const, tool_call_id: 'call_1', content: 'found' },
    { role: 'developer' as const, content: 'Answer in French.' },
  ],
  tools: [
    { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } },
    { type: 'custom' as const, custom: { name: 'shell' } },
  ],
  tool_choice: 'auto' as const,
  web_search_options: {},
  response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object' } } },
  verbosity: 'low' as const,
  reasoning_effort: 'low' as const,
};

describe('toChatParam', () => {
  const { request, origins } = toResponsesRequest(chat);

  it.each([
    ['input[0].content[1].image_url', 'messages[1].content[1]'],
    ['input[0]', 'messages[1]'],
    ['input[1].content', 'messages[2]'],
    ['input[2].arguments', 'messages[2]'],
    ['input[3].output', 'messages[3]'],
    ['input[4].content[0]', 'messages[4].content[0]'],
    ['input[9]', 'messages'],
    ['input', 'messages'],
    ['instructions', 'messages'],
    ['max_output_tokens', 'max_completion_tokens'],
    ['tools[0].parameters', 'tools[0].function.parameters'],
    ['tools[1].name', 'tools[1].custom.name'],
    ['tools[2].user_location.city', 'web_search_options'],
    ['tool_choice', 'tool_choice'],
    ['text.format.schema', 'response_format.json_schema.schema'],
    ['text.format.name', 'response_format.json_schema.name'],
    ['text.format.type', 'response_format.type'],
    ['text.verbosity', 'verbosity'],
    ['reasoning.effort', 'reasoning_effort'],
    ['temperature', 'temperature'],
    ['include', 'include'],
  ])('%s -> %s', (upstreamParam, chatParam) => {
    expect(toChatParam(upstreamParam, request, origins)).toBe(chatParam);
  });

  it('names legacy functions and function_call in their own terms', () => {
    const legacy = toResponsesRequest({
      model: 'gpt-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
      functions: [{ name: 'lookup' }],
      function_call: { name: 'lookup' },
    });
    expect(['tools[0].parameters', 'tool_choice.name', 'max_output_tokens'].map((param) => toChatParam(param, legacy.request, legacy.origins))).toEqual([
      'functions[0].parameters',
      'function_call',
      'max_tokens',
    ]);
  });

  it('names no message for replayed reasoning, which the client never sent', () => {
    const withReasoning = { ...request, input: [{ type: 'reasoning' as const, id: 'rs_1', summary: [] }, ...request.input] };
    expect([toChatParam('input[0]', withReasoning, origins), toChatParam('input[1].content[1]', withReasoning, origins)]).toEqual([
      'messages',
      'messages[1].content[1]',
    ]);
  });
});
