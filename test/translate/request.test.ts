import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest, type RequestTranslationOptions } from '../../src/translate/request.js';
import { useFakeUpstreamStatus } from '../helpers/accepted-by-fake.js';

type Chat = Record<string, unknown>;

const base = { model: 'gpt-test', input: [{ type: 'message', role: 'user', content: 'Hi' }], store: false };
const personSchema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };

function translate(extra: Chat, options: RequestTranslationOptions = {}) {
  return toResponsesRequest(parseChatRequest({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...extra }), options);
}

function rejection(extra: Chat, options: RequestTranslationOptions = {}) {
  try {
    translate(extra, options);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const { message, type, param, code } = error.toBody().error;
    return { status: error.status, message, type, param, code };
  }
  throw new Error('the request was accepted');
}

const parameterCases: Array<{ name: string; chat: Chat; options?: RequestTranslationOptions; expected: Chat }> = [
  { name: 'nothing optional', chat: {}, expected: {} },
  { name: 'temperature 0 is kept', chat: { temperature: 0, top_p: 0.9 }, expected: { temperature: 0, top_p: 0.9 } },
  { name: 'logprobs', chat: { logprobs: true }, expected: { include: ['message.output_text.logprobs'] } },
  { name: 'logprobs with top_logprobs', chat: { logprobs: true, top_logprobs: 5 }, expected: { include: ['message.output_text.logprobs'], top_logprobs: 5 } },
  { name: 'logprobs false', chat: { logprobs: false, top_logprobs: null }, expected: {} },
  { name: 'response_format text', chat: { response_format: { type: 'text' } }, expected: { text: { format: { type: 'text' } } } },
  { name: 'response_format json_object', chat: { response_format: { type: 'json_object' } }, expected: { text: { format: { type: 'json_object' } } } },
  {
    name: 'json_schema flattened, strict and description kept',
    chat: { response_format: { type: 'json_schema', json_schema: { name: 'person', description: 'A person.', schema: personSchema, strict: true } } },
    expected: { text: { format: { type: 'json_schema', name: 'person', description: 'A person.', schema: personSchema, strict: true } } },
  },
  {
    name: 'json_schema without strict is explicitly not strict',
    chat: { response_format: { type: 'json_schema', json_schema: { name: 'person', schema: personSchema, strict: null } } },
    expected: { text: { format: { type: 'json_schema', name: 'person', schema: personSchema, strict: false } } },
  },
  {
    name: 'json_schema without a schema',
    chat: { response_format: { type: 'json_schema', json_schema: { name: 'anything' } } },
    expected: { text: { format: { type: 'json_schema', name: 'anything', schema: { type: 'object' }, strict: false } } },
  },
  { name: 'verbosity', chat: { verbosity: 'low' }, expected: { text: { verbosity: 'low' } } },
  {
    name: 'response_format with verbosity',
    chat: { response_format: { type: 'json_object' }, verbosity: 'high' },
    expected: { text: { format: { type: 'json_object' }, verbosity: 'high' } },
  },
  { name: 'reasoning_effort', chat: { reasoning_effort: 'minimal' }, expected: { reasoning: { effort: 'minimal' } } },
  { name: 'reasoningSummary alone', chat: {}, options: { reasoningSummary: 'auto' }, expected: { reasoning: { summary: 'auto' } } },
  {
    name: 'reasoningSummary with an effort',
    chat: { reasoning_effort: 'high' },
    options: { reasoningSummary: 'detailed' },
    expected: { reasoning: { effort: 'high', summary: 'detailed' } },
  },
  { name: "no summary when reasoning_effort is 'none'", chat: { reasoning_effort: 'none' }, options: { reasoningSummary: 'concise' }, expected: { reasoning: { effort: 'none' } } },
  {
    name: 'identity and caching fields pass as sent',
    chat: { metadata: { team: 'search' }, user: 'user-1', safety_identifier: 'hash-1', prompt_cache_key: 'tenant-1', prompt_cache_options: { mode: 'implicit' } },
    expected: { metadata: { team: 'search' }, user: 'user-1', safety_identifier: 'hash-1', prompt_cache_key: 'tenant-1', prompt_cache_options: { mode: 'implicit' } },
  },
  { name: "prompt_cache_retention 'in-memory' normalised", chat: { prompt_cache_retention: 'in-memory' }, expected: { prompt_cache_retention: 'in_memory' } },
  { name: "prompt_cache_retention 'in_memory'", chat: { prompt_cache_retention: 'in_memory' }, expected: { prompt_cache_retention: 'in_memory' } },
  { name: "prompt_cache_retention '24h'", chat: { prompt_cache_retention: '24h' }, expected: { prompt_cache_retention: '24h' } },
  { name: 'service_tier', chat: { service_tier: 'flex' }, expected: { service_tier: 'flex' } },
  { name: 'moderation', chat: { moderation: { model: 'omni-moderation-latest' } }, expected: { moderation: { model: 'omni-moderation-latest' } } },
  { name: 'store true', chat: { store: true }, expected: { store: true } },
  { name: 'store false', chat: { store: false }, expected: { store: false } },
  { name: 'store null stays unstored', chat: { store: null }, expected: { store: false } },
  { name: 'stream', chat: { stream: true }, expected: { stream: true } },
  { name: 'stream false', chat: { stream: false }, expected: {} },
  { name: 'include_usage has no upstream field', chat: { stream: true, stream_options: { include_usage: true } }, expected: { stream: true } },
  {
    name: 'include_obfuscation',
    chat: { stream: true, stream_options: { include_usage: true, include_obfuscation: false } },
    expected: { stream: true, stream_options: { include_obfuscation: false } },
  },
  { name: 'text-only modalities', chat: { modalities: ['text'] }, expected: {} },
  { name: 'emulated parameters stay out of the request', chat: { n: 3, stop: ['END'] }, expected: {} },
];

describe('parameters', () => {
  it.each(parameterCases)('$name', ({ chat, options, expected }) => {
    const { request, warnings } = translate(chat, options);
    expect({ request, warnings }).toEqual({ request: { ...base, ...expected }, warnings: [] });
  });
});

const maxTokenCases = [
  { chat: { max_tokens: 100 }, max_output_tokens: 100, warned: [] },
  { chat: { max_completion_tokens: 200 }, max_output_tokens: 200, warned: [] },
  { chat: { max_completion_tokens: 300, max_tokens: 50 }, max_output_tokens: 300, warned: [] },
  { chat: { max_tokens: 16 }, max_output_tokens: 16, warned: [] },
  { chat: { max_tokens: 5 }, max_output_tokens: 16, warned: ['max_tokens'] },
  { chat: { max_completion_tokens: 1 }, max_output_tokens: 16, warned: ['max_completion_tokens'] },
  { chat: { max_completion_tokens: 10, max_tokens: 100 }, max_output_tokens: 16, warned: ['max_completion_tokens'] },
];

describe('max_tokens and max_completion_tokens', () => {
  it.each(maxTokenCases)('$chat -> $max_output_tokens', ({ chat, max_output_tokens, warned }) => {
    const { request, warnings } = translate(chat);
    expect({ request, warned: warnings.map((warning) => warning.param) }).toEqual({ request: { ...base, max_output_tokens }, warned });
  });

  it('raises a small limit under strictParams too: the answer keeps its meaning', () => {
    expect(translate({ max_tokens: 5 }, { strictParams: true }).request.max_output_tokens).toBe(16);
  });
});

const droppedCases: Array<{ name: string; chat: Chat; warned: string[] }> = [
  // Any seed asks for reproducible sampling, 0 included.
  { name: 'seed 0', chat: { seed: 0 }, warned: ['seed'] },
  { name: 'seed 42', chat: { seed: 42 }, warned: ['seed'] },
  { name: 'zero penalties', chat: { presence_penalty: 0, frequency_penalty: 0 }, warned: [] },
  { name: 'presence_penalty 0.5', chat: { presence_penalty: 0.5 }, warned: ['presence_penalty'] },
  { name: 'frequency_penalty -1', chat: { frequency_penalty: -1 }, warned: ['frequency_penalty'] },
  { name: 'empty logit_bias', chat: { logit_bias: {} }, warned: [] },
  { name: 'zero logit_bias', chat: { logit_bias: { '50256': 0 } }, warned: [] },
  { name: 'logit_bias -100', chat: { logit_bias: { '50256': -100 } }, warned: ['logit_bias'] },
  { name: 'empty prediction string', chat: { prediction: { type: 'content', content: '' } }, warned: [] },
  { name: 'empty prediction parts', chat: { prediction: { type: 'content', content: [] } }, warned: [] },
  { name: 'prediction string', chat: { prediction: { type: 'content', content: 'const a = 1;' } }, warned: ['prediction'] },
  { name: 'prediction parts', chat: { prediction: { type: 'content', content: [{ type: 'text', text: 'const a = 1;' }] } }, warned: ['prediction'] },
  { name: 'all null', chat: { seed: null, presence_penalty: null, frequency_penalty: null, logit_bias: null, prediction: null }, warned: [] },
];

describe('parameters the Responses API lacks', () => {
  it.each(droppedCases)('$name -> warnings $warned', ({ chat, warned }) => {
    const { request, warnings } = translate(chat);
    expect({ request, warned: warnings.map((warning) => warning.param) }).toEqual({ request: base, warned });
  });

  it.each(droppedCases.filter((testCase) => testCase.warned.length > 0))('$name is a 400 under strictParams', ({ chat, warned }) => {
    const error = rejection(chat, { strictParams: true });
    expect(error).toEqual({ status: 400, message: expect.stringContaining(`'${warned[0]}'`), type: 'invalid_request_error', param: warned[0], code: 'unsupported_parameter' });
  });

  it.each(droppedCases.filter((testCase) => testCase.warned.length === 0))('$name passes strictParams', ({ chat }) => {
    expect(translate(chat, { strictParams: true }).request).toEqual(base);
  });
});

describe('parameters that cannot be served', () => {
  it.each([
    { chat: { logprobs: null, top_logprobs: 3 }, param: 'top_logprobs' },
    { chat: { logprobs: false, top_logprobs: 3 }, param: 'top_logprobs' },
    { chat: { stream_options: { include_usage: true } }, param: 'stream_options' },
    { chat: { stream: false, stream_options: { include_obfuscation: false } }, param: 'stream_options' },
    { chat: { modalities: ['text', 'audio'] }, param: 'modalities' },
    { chat: { audio: { format: 'mp3', voice: 'alloy' } }, param: 'audio' },
  ])('$chat -> 400 naming $param', ({ chat, param }) => {
    expect(rejection(chat)).toMatchObject({ status: 400, type: 'invalid_request_error', param });
  });
});

const defaultContext = { n: 1, stream: false, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false };

describe('context for the answer side', () => {
  it.each([
    { chat: {}, context: {} },
    { chat: { n: 3 }, context: { n: 3 } },
    { chat: { n: null, stop: null, stream: null, logprobs: null }, context: {} },
    { chat: { stream: true }, context: { stream: true } },
    { chat: { stream: true, stream_options: { include_usage: true } }, context: { stream: true, includeUsage: true } },
    { chat: { stream: true, stream_options: { include_usage: false } }, context: { stream: true } },
    { chat: { stop: 'END' }, context: { stop: ['END'] } },
    { chat: { stop: ['a', '', 'b'] }, context: { stop: ['a', 'b'] } },
    { chat: { logprobs: true }, context: { logprobs: true } },
    { chat: { functions: [{ name: 'f' }] }, context: { legacyFunctions: true } },
  ])('$chat -> $context', ({ chat, context }) => {
    expect(translate(chat).context).toEqual({ ...defaultContext, ...context });
  });
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
};

const agentTurn: Chat = {
  messages: [
    { role: 'system', content: 'You are a travel assistant.' },
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_paris', content: '{"temp_c":18}' },
    { role: 'tool', tool_call_id: 'call_rome', content: '{"temp_c":24}' },
  ],
  tools: [weatherTool],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  max_completion_tokens: 800,
  temperature: 0.2,
  stream: true,
  stream_options: { include_usage: true },
};

const structuredOutput: Chat = {
  messages: [
    { role: 'developer', content: 'Extract the person.' },
    { role: 'user', content: [{ type: 'text', text: 'Ada wrote this:' }, { type: 'image_url', image_url: { url: 'https://example.com/note.png', detail: 'high' } }] },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'person', schema: personSchema, strict: true } },
  reasoning_effort: 'low',
  verbosity: 'low',
  store: true,
  metadata: { job: 'extract' },
  service_tier: 'priority',
};

const legacyClient: Chat = {
  messages: [
    { role: 'user', content: 'What time is it?' },
    { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{}' } },
    { role: 'function', name: 'get_time', content: '12:00' },
  ],
  functions: [{ name: 'get_time', description: 'Current time.' }],
  function_call: 'auto',
  max_tokens: 8,
  n: 2,
  stop: '\n\n',
  seed: 7,
  presence_penalty: 0,
};

describe('complete requests, pinned', () => {
  it('an agent turn: tool results for two parallel calls, streamed with usage', () => {
    const { request, warnings, context } = translate(agentTurn);
    expect(warnings).toEqual([]);
    expect(context).toEqual({ ...defaultContext, stream: true, includeUsage: true });
    expect(request).toMatchInlineSnapshot(`
      {
        "input": [
          {
            "content": "Weather in Paris and Rome?",
            "role": "user",
            "type": "message",
          },
          {
            "arguments": "{"city":"Paris"}",
            "call_id": "call_paris",
            "name": "get_weather",
            "type": "function_call",
          },
          {
            "arguments": "{"city":"Rome"}",
            "call_id": "call_rome",
            "name": "get_weather",
            "type": "function_call",
          },
          {
            "call_id": "call_paris",
            "output": "{"temp_c":18}",
            "type": "function_call_output",
          },
          {
            "call_id": "call_rome",
            "output": "{"temp_c":24}",
            "type": "function_call_output",
          },
        ],
        "instructions": "You are a travel assistant.",
        "max_output_tokens": 800,
        "model": "gpt-test",
        "parallel_tool_calls": true,
        "store": false,
        "stream": true,
        "temperature": 0.2,
        "tool_choice": "auto",
        "tools": [
          {
            "description": "Current weather for a city.",
            "name": "get_weather",
            "parameters": {
              "additionalProperties": false,
              "properties": {
                "city": {
                  "type": "string",
                },
              },
              "required": [
                "city",
              ],
              "type": "object",
            },
            "strict": true,
            "type": "function",
          },
        ],
      }
    `);
  });

  it('structured output with reasoning and an image', () => {
    const { request, warnings } = translate(structuredOutput);
    expect(warnings).toEqual([]);
    expect(request).toMatchInlineSnapshot(`
      {
        "input": [
          {
            "content": [
              {
                "text": "Ada wrote this:",
                "type": "input_text",
              },
              {
                "detail": "high",
                "image_url": "https://example.com/note.png",
                "type": "input_image",
              },
            ],
            "role": "user",
            "type": "message",
          },
        ],
        "instructions": "Extract the person.",
        "metadata": {
          "job": "extract",
        },
        "model": "gpt-test",
        "reasoning": {
          "effort": "low",
        },
        "service_tier": "priority",
        "store": true,
        "text": {
          "format": {
            "name": "person",
            "schema": {
              "additionalProperties": false,
              "properties": {
                "name": {
                  "type": "string",
                },
              },
              "required": [
                "name",
              ],
              "type": "object",
            },
            "strict": true,
            "type": "json_schema",
          },
          "verbosity": "low",
        },
      }
    `);
  });

  it('a legacy functions client with emulated and dropped parameters', () => {
    const { request, warnings, context } = translate(legacyClient);
    expect(warnings.map((warning) => warning.param)).toEqual(['seed', 'max_tokens']);
    expect(context).toEqual({ ...defaultContext, n: 2, stop: ['\n\n'], legacyFunctions: true });
    expect(request).toMatchInlineSnapshot(`
      {
        "input": [
          {
            "content": "What time is it?",
            "role": "user",
            "type": "message",
          },
          {
            "arguments": "{}",
            "call_id": "call_legacy_1",
            "name": "get_time",
            "type": "function_call",
          },
          {
            "call_id": "call_legacy_1",
            "output": "12:00",
            "type": "function_call_output",
          },
        ],
        "max_output_tokens": 16,
        "model": "gpt-test",
        "parallel_tool_calls": false,
        "store": false,
        "tool_choice": "auto",
        "tools": [
          {
            "description": "Current time.",
            "name": "get_time",
            "parameters": {
              "additionalProperties": false,
              "properties": {},
              "type": "object",
            },
            "strict": false,
            "type": "function",
          },
        ],
      }
    `);
  });
});

describe('the fake upstream, which validates like the real API', () => {
  const fakeStatus = useFakeUpstreamStatus();

  it('accepts every translated request above', async () => {
    const translated = [
      ...parameterCases.map(({ chat, options }) => translate(chat, options)),
      ...[...maxTokenCases, ...droppedCases].map(({ chat }) => translate(chat)),
      ...[agentTurn, structuredOutput, legacyClient].map((chat) => translate(chat)),
    ];
    const statuses = await Promise.all(translated.map(({ request }) => fakeStatus(request)));
    expect(statuses).toEqual(translated.map(() => 200));
  });

  it('rejects a Chat-shaped body, so the check above can fail', async () => {
    const chatShaped = { ...base, max_tokens: 100, tools: [weatherTool], response_format: { type: 'json_object' } };
    expect(await fakeStatus(chatShaped)).toBe(400);
  });
});
