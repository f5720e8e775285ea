import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest, type RequestTranslationOptions } from '../../src/translate/request.js';
import { useFakeUpstreamStatus } from '../helpers/accepted-by-fake.js';

const user = { role: 'user', content: 'Hi' };
const userItem = { type: 'message', role: 'user', content: 'Hi' };
const weatherCall = { id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const patchCall = { id: 'call_patch', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } };
const weatherCallItem = { type: 'function_call', call_id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris"}' };
const patchCallItem = { type: 'custom_tool_call', call_id: 'call_patch', name: 'apply_patch', input: '*** Begin Patch' };
const breakpoint = { mode: 'explicit' };

function translate(messages: unknown[], options: RequestTranslationOptions = {}) {
  return toResponsesRequest(parseChatRequest({ model: 'gpt-test', messages }), options);
}

const cases: Array<{ name: string; messages: unknown[]; instructions?: string; input: unknown[] }> = [
  { name: 'a leading system message becomes instructions', messages: [{ role: 'system', content: 'Be brief.' }, user], instructions: 'Be brief.', input: [userItem] },
  {
    name: 'leading system and developer messages are joined, parts without separator',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in ' }, { type: 'text', text: 'French.' }] },
      user,
    ],
    instructions: 'Be brief.\n\nAnswer in French.',
    input: [userItem],
  },
  {
    name: 'later system and developer messages stay in place with their role',
    messages: [user, { role: 'system', content: 'Now be formal.' }, { role: 'developer', content: [{ type: 'text', text: 'No emoji.' }] }],
    input: [
      userItem,
      { type: 'message', role: 'system', content: 'Now be formal.' },
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'No emoji.' }] },
    ],
  },
  {
    name: 'user parts: text, images with and without detail, files by id and by data',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/b.png', detail: 'high' } },
          { type: 'file', file: { file_id: 'file-abc' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' } },
        ],
      },
    ],
    input: [
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Compare these.' },
          { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' },
          { type: 'input_image', image_url: 'https://example.com/b.png', detail: 'high' },
          { type: 'input_file', file_id: 'file-abc' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' },
        ],
      },
    ],
  },
  {
    name: 'prompt cache breakpoints stay on their parts',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Context', prompt_cache_breakpoint: breakpoint },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' }, prompt_cache_breakpoint: breakpoint },
          { type: 'file', file: { file_id: 'file-abc' }, prompt_cache_breakpoint: breakpoint },
        ],
      },
    ],
    input: [
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Context', prompt_cache_breakpoint: breakpoint },
          { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto', prompt_cache_breakpoint: breakpoint },
          { type: 'input_file', file_id: 'file-abc', prompt_cache_breakpoint: breakpoint },
        ],
      },
    ],
  },
  {
    name: 'assistant text as a string and as parts',
    messages: [user, { role: 'assistant', content: 'Hello!' }, user, { role: 'assistant', content: [{ type: 'text', text: 'Hel' }, { type: 'text', text: 'lo!' }] }],
    input: [userItem, { type: 'message', role: 'assistant', content: 'Hello!' }, userItem, { type: 'message', role: 'assistant', content: 'Hello!' }],
  },
  {
    name: 'assistant refusal field and refusal parts',
    messages: [
      user,
      { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      user,
      { role: 'assistant', content: [{ type: 'text', text: 'Partly: ' }, { type: 'refusal', refusal: 'no more.' }] },
    ],
    input: [
      userItem,
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] },
      userItem,
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Partly: ', annotations: [] },
          { type: 'refusal', refusal: 'no more.' },
        ],
      },
    ],
  },
  {
    name: 'assistant tool calls without text give no message item (null and empty content)',
    messages: [
      user,
      { role: 'assistant', content: null, tool_calls: [weatherCall] },
      { role: 'tool', tool_call_id: 'call_weather', content: '18°C' },
      { role: 'assistant', content: '', tool_calls: [patchCall] },
      { role: 'tool', tool_call_id: 'call_patch', content: 'applied' },
    ],
    input: [
      userItem,
      weatherCallItem,
      { type: 'function_call_output', call_id: 'call_weather', output: '18°C' },
      patchCallItem,
      { type: 'custom_tool_call_output', call_id: 'call_patch', output: 'applied' },
    ],
  },
  {
    name: 'preamble text, then function and custom calls in order, then their outputs',
    messages: [
      user,
      { role: 'assistant', content: 'Let me check.', tool_calls: [patchCall, weatherCall] },
      { role: 'tool', tool_call_id: 'call_weather', content: [{ type: 'text', text: '18' }, { type: 'text', text: '°C' }] },
      { role: 'tool', tool_call_id: 'call_patch', name: 'apply_patch', content: [{ type: 'text', text: 'applied' }] },
    ],
    input: [
      userItem,
      { type: 'message', role: 'assistant', content: 'Let me check.' },
      patchCallItem,
      weatherCallItem,
      { type: 'function_call_output', call_id: 'call_weather', output: [{ type: 'input_text', text: '18' }, { type: 'input_text', text: '°C' }] },
      { type: 'custom_tool_call_output', call_id: 'call_patch', output: [{ type: 'input_text', text: 'applied' }] },
    ],
  },
  {
    name: 'an empty tool_calls list is a plain assistant message',
    messages: [user, { role: 'assistant', content: 'Hello!', tool_calls: [] }],
    input: [userItem, { type: 'message', role: 'assistant', content: 'Hello!' }],
  },
  {
    name: 'legacy function_call pairs with the function message after it',
    messages: [
      user,
      { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } },
      { role: 'function', name: 'get_weather', content: 'sunny' },
      { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{}' } },
      { role: 'function', name: 'get_time', content: null },
    ],
    input: [
      userItem,
      { type: 'function_call', call_id: 'call_legacy_1', name: 'get_weather', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_legacy_1', output: 'sunny' },
      { type: 'function_call', call_id: 'call_legacy_3', name: 'get_time', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_legacy_3', output: '' },
    ],
  },
];

describe('translateMessages', () => {
  it.each(cases)('$name', ({ messages, instructions, input }) => {
    const { request, warnings } = translate(messages);
    expect({ instructions: request.instructions, input: request.input, warnings }).toEqual({ instructions, input, warnings: [] });
  });
});

const namedMessages = [
  { role: 'system', content: 'Be brief.', name: 'rules' },
  { role: 'user', content: 'Hi', name: 'alice' },
  { role: 'assistant', content: 'Hello', name: 'bot' },
  { role: 'developer', content: 'Formal now.', name: 'ops' },
  { role: 'tool', tool_call_id: 'call_weather', content: '18°C', name: 'get_weather' },
];
const namedHistory = [...namedMessages.slice(0, 4), { role: 'assistant', content: null, tool_calls: [weatherCall] }, namedMessages[4]];

describe('message names', () => {
  it('are dropped with one warning each, except on tool messages whose call id says it all', () => {
    const { request, warnings } = translate(namedHistory);
    expect({ instructions: request.instructions, input: request.input, warned: warnings.map((warning) => warning.param) }).toEqual({
      instructions: 'Be brief.',
      input: [
        userItem,
        { type: 'message', role: 'assistant', content: 'Hello' },
        { type: 'message', role: 'developer', content: 'Formal now.' },
        weatherCallItem,
        { type: 'function_call_output', call_id: 'call_weather', output: '18°C' },
      ],
      warned: ['messages[0].name', 'messages[1].name', 'messages[2].name', 'messages[3].name'],
    });
  });

  it('are a 400 naming the message under strictParams', () => {
    expect(rejection([user, { role: 'user', content: 'Hi', name: 'alice' }], { strictParams: true })).toEqual({
      status: 400,
      param: 'messages[1].name',
      code: 'unsupported_parameter',
    });
  });
});

describe('messages the Responses API cannot take', () => {
  it.each([
    {
      name: 'a user audio part',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Listen' }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }],
      param: 'messages[0].content[1]',
      code: 'unsupported_parameter',
    },
    {
      name: 'an assistant audio reference',
      messages: [user, { role: 'assistant', content: null, audio: { id: 'audio_1' } }],
      param: 'messages[1].audio',
      code: 'unsupported_parameter',
    },
    { name: 'a function message without any call', messages: [user, { role: 'function', name: 'get_weather', content: 'sunny' }], param: 'messages[1].name', code: null },
    {
      name: 'a function message answering another function',
      messages: [user, { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{}' } }, { role: 'function', name: 'get_weather', content: 'sunny' }],
      param: 'messages[2].name',
      code: null,
    },
    {
      name: 'a second function message for one call',
      messages: [
        user,
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } },
        { role: 'function', name: 'get_weather', content: 'sunny' },
        { role: 'function', name: 'get_weather', content: 'rainy' },
      ],
      param: 'messages[3].name',
      code: null,
    },
    { name: 'a tool message answering no call', messages: [user, { role: 'tool', tool_call_id: 'call_missing', content: 'x' }], param: 'messages[1].tool_call_id', code: null },
  ])('$name -> 400 naming $param', ({ messages, param, code }) => {
    expect(rejection(messages)).toEqual({ status: 400, param, code });
  });
});

describe('the fake upstream, which validates like the real API', () => {
  const fakeStatus = useFakeUpstreamStatus();

  it('accepts every translated request above', async () => {
    const bodies = [...cases.map((testCase) => testCase.messages), namedHistory].map((messages) => translate(messages).request);
    const statuses = await Promise.all(bodies.map(fakeStatus));
    expect(statuses).toEqual(bodies.map(() => 200));
  });
});

function rejection(messages: unknown[], options: RequestTranslationOptions = {}) {
  try {
    translate(messages, options);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, param: error.param, code: error.code };
  }
  throw new Error('the messages were accepted');
}
