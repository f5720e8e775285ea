import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import { useFakeUpstreamStatus } from '../helpers/accepted-by-fake.js';

const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};
const weatherFunction = { name: 'get_weather', description: 'Current weather.', parameters: weatherParameters };
const weatherTool = { type: 'function', name: 'get_weather', description: 'Current weather.', parameters: weatherParameters, strict: false };
const emptyObjectSchema = { type: 'object', properties: {}, additionalProperties: false };
const lark = 'start: "yes" | "no"';

function translate(extra: Record<string, unknown>) {
  const chat = parseChatRequest({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...extra });
  const { request, context } = toResponsesRequest(chat);
  return {
    tools: request.tools,
    tool_choice: request.tool_choice,
    parallel_tool_calls: request.parallel_tool_calls,
    legacyFunctions: context.legacyFunctions,
  };
}

const unset = { tools: undefined, tool_choice: undefined, parallel_tool_calls: undefined, legacyFunctions: false };

const toolCases: Array<{ name: string; chat: Record<string, unknown>; tools: unknown[] }> = [
  { name: 'function, strict unset -> strict false', chat: { tools: [{ type: 'function', function: weatherFunction }] }, tools: [weatherTool] },
  {
    name: 'function, strict true and null',
    chat: {
      tools: [
        { type: 'function', function: { ...weatherFunction, strict: true } },
        { type: 'function', function: { ...weatherFunction, name: 'get_forecast', strict: null } },
      ],
    },
    tools: [
      { ...weatherTool, strict: true },
      { ...weatherTool, name: 'get_forecast' },
    ],
  },
  {
    name: 'function without parameters or description -> empty object schema',
    chat: { tools: [{ type: 'function', function: { name: 'get_time' } }, { type: 'function', function: { name: 'ping', parameters: null, description: null } }] },
    tools: [
      { type: 'function', name: 'get_time', parameters: emptyObjectSchema, strict: false },
      { type: 'function', name: 'ping', parameters: emptyObjectSchema, strict: false },
    ],
  },
  {
    name: 'custom tools: bare, text format, grammar flattened',
    chat: {
      tools: [
        { type: 'custom', custom: { name: 'shell' } },
        { type: 'custom', custom: { name: 'notes', description: 'Free text.', format: { type: 'text' } } },
        { type: 'custom', custom: { name: 'answer', format: { type: 'grammar', grammar: { definition: lark, syntax: 'lark' } } } },
        { type: 'custom', custom: { name: 'digits', format: { type: 'grammar', grammar: { definition: '\\d+', syntax: 'regex' } } } },
      ],
    },
    tools: [
      { type: 'custom', name: 'shell' },
      { type: 'custom', name: 'notes', description: 'Free text.', format: { type: 'text' } },
      { type: 'custom', name: 'answer', format: { type: 'grammar', definition: lark, syntax: 'lark' } },
      { type: 'custom', name: 'digits', format: { type: 'grammar', definition: '\\d+', syntax: 'regex' } },
    ],
  },
  { name: 'web_search_options {} -> web_search tool', chat: { web_search_options: {} }, tools: [{ type: 'web_search' }] },
  {
    name: 'web_search_options with user_location flattened, after the functions',
    chat: {
      tools: [{ type: 'function', function: weatherFunction }],
      web_search_options: {
        search_context_size: 'high',
        user_location: { type: 'approximate', approximate: { city: 'Paris', country: 'FR', region: 'IDF', timezone: 'Europe/Paris' } },
      },
    },
    tools: [
      weatherTool,
      {
        type: 'web_search',
        search_context_size: 'high',
        user_location: { type: 'approximate', city: 'Paris', country: 'FR', region: 'IDF', timezone: 'Europe/Paris' },
      },
    ],
  },
  {
    name: 'web_search_options with a partial location',
    chat: { web_search_options: { search_context_size: null, user_location: { type: 'approximate', approximate: { country: 'JP', city: null } } } },
    tools: [{ type: 'web_search', user_location: { type: 'approximate', country: 'JP' } }],
  },
];

const mixedTools = [
  { type: 'function', function: weatherFunction },
  { type: 'custom', custom: { name: 'shell' } },
];

const choiceCases: Array<{ name: string; chat: Record<string, unknown>; tool_choice: unknown }> = [
  { name: "'none'", chat: { tools: mixedTools, tool_choice: 'none' }, tool_choice: 'none' },
  { name: "'auto'", chat: { tools: mixedTools, tool_choice: 'auto' }, tool_choice: 'auto' },
  { name: "'required'", chat: { tools: mixedTools, tool_choice: 'required' }, tool_choice: 'required' },
  {
    name: 'a named function',
    chat: { tools: mixedTools, tool_choice: { type: 'function', function: { name: 'get_weather' } } },
    tool_choice: { type: 'function', name: 'get_weather' },
  },
  { name: 'a named custom tool', chat: { tools: mixedTools, tool_choice: { type: 'custom', custom: { name: 'shell' } } }, tool_choice: { type: 'custom', name: 'shell' } },
  {
    name: 'allowed_tools with function and custom entries',
    chat: {
      tools: mixedTools,
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }, { type: 'custom', custom: { name: 'shell' } }] },
      },
    },
    tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'get_weather' }, { type: 'custom', name: 'shell' }] },
  },
  {
    name: 'allowed_tools in auto mode',
    chat: { tools: mixedTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'custom', custom: { name: 'shell' } }] } } },
    tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'custom', name: 'shell' }] },
  },
];

const legacyCases: Array<{ name: string; chat: Record<string, unknown>; expected: Record<string, unknown> }> = [
  {
    name: 'functions alone',
    chat: { functions: [weatherFunction] },
    expected: { tools: [weatherTool], parallel_tool_calls: false, legacyFunctions: true },
  },
  {
    name: "function_call 'none'",
    chat: { functions: [weatherFunction], function_call: 'none' },
    expected: { tools: [weatherTool], tool_choice: 'none', parallel_tool_calls: false, legacyFunctions: true },
  },
  {
    name: "function_call 'auto'",
    chat: { functions: [weatherFunction], function_call: 'auto' },
    expected: { tools: [weatherTool], tool_choice: 'auto', parallel_tool_calls: false, legacyFunctions: true },
  },
  {
    name: 'function_call by name',
    chat: { functions: [weatherFunction, { name: 'get_time' }], function_call: { name: 'get_time' } },
    expected: {
      tools: [weatherTool, { type: 'function', name: 'get_time', parameters: emptyObjectSchema, strict: false }],
      tool_choice: { type: 'function', name: 'get_time' },
      parallel_tool_calls: false,
      legacyFunctions: true,
    },
  },
  {
    name: 'an explicit parallel_tool_calls wins',
    chat: { functions: [weatherFunction], parallel_tool_calls: true },
    expected: { tools: [weatherTool], parallel_tool_calls: true, legacyFunctions: true },
  },
  {
    name: 'parallel_tool_calls with tools is passed as sent',
    chat: { tools: mixedTools.slice(0, 1), parallel_tool_calls: false },
    expected: { tools: [weatherTool], parallel_tool_calls: false },
  },
  { name: 'no tools at all', chat: { tools: null, tool_choice: null, functions: null, function_call: null, parallel_tool_calls: null }, expected: {} },
];

describe('tools', () => {
  it.each(toolCases)('$name', ({ chat, tools }) => {
    expect(translate(chat)).toEqual({ ...unset, tools });
  });
});

describe('tool_choice', () => {
  it.each(choiceCases)('$name', ({ chat, tool_choice }) => {
    expect(translate(chat)).toEqual({ ...unset, tools: [weatherTool, { type: 'custom', name: 'shell' }], tool_choice });
  });
});

describe('legacy functions and parallel_tool_calls', () => {
  it.each(legacyCases)('$name', ({ chat, expected }) => {
    expect(translate(chat)).toEqual({ ...unset, ...expected });
  });
});

describe('conflicting tool parameters', () => {
  it.each([
    { name: 'tools and functions', chat: { tools: mixedTools, functions: [weatherFunction] }, param: 'functions' },
    { name: 'tool_choice and function_call', chat: { tools: mixedTools, tool_choice: 'auto', function_call: 'auto' }, param: 'function_call' },
  ])('$name -> 400 naming $param', ({ chat, param }) => {
    let caught: unknown;
    try {
      translate(chat);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect({ status: (caught as ApiError).status, param: (caught as ApiError).param }).toEqual({ status: 400, param });
  });
});

describe('the fake upstream, which validates like the real API', () => {
  const fakeStatus = useFakeUpstreamStatus();

  it('accepts every translated request above', async () => {
    const chats = [...toolCases, ...choiceCases, ...legacyCases].map((testCase) => testCase.chat);
    const bodies = chats.map(
      (chat) => toResponsesRequest(parseChatRequest({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...chat })).request,
    );
    const statuses = await Promise.all(bodies.map(fakeStatus));
    expect(statuses).toEqual(bodies.map(() => 200));
  });
});
