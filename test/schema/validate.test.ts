import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import type { ChatRequest } from '../../src/schema/chat-request.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';

const user = { role: 'user', content: 'Hi' };
const body = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-test', messages: [user], ...extra });

/** The OpenAI error a body is rejected with, plus the HTTP status. */
function rejection(input: unknown): { status: number; type: string; param: string | null; code: string | null } {
  try {
    parseChatRequest(input);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const { type, param, code } = error.toBody().error;
    return { status: error.status, type, param, code };
  }
  throw new Error('the body was accepted');
}

describe('parseChatRequest rejects invalid bodies with a 400 naming the field', () => {
  it.each([
    { name: 'missing model', input: { messages: [user] }, param: 'model', code: 'missing_required_parameter' },
    { name: 'empty model', input: body({ model: '' }), param: 'model', code: 'invalid_value' },
    { name: 'missing messages', input: { model: 'gpt-test' }, param: 'messages', code: 'missing_required_parameter' },
    { name: 'empty messages', input: body({ messages: [] }), param: 'messages', code: 'invalid_value' },
    { name: 'messages as a string', input: body({ messages: 'Hi' }), param: 'messages', code: 'invalid_type' },
    { name: 'message not an object', input: body({ messages: [user, 'Hi'] }), param: 'messages[1]', code: 'invalid_type' },
    { name: 'unknown role', input: body({ messages: [{ role: 'bot', content: 'x' }] }), param: 'messages[0].role', code: 'invalid_value' },
    { name: 'missing role', input: body({ messages: [{ content: 'x' }] }), param: 'messages[0].role', code: 'missing_required_parameter' },
    {
      name: 'assistant content of the wrong type',
      input: body({ messages: [user, { role: 'assistant', content: 7 }] }),
      param: 'messages[1].content',
      code: 'invalid_type',
    },
    { name: 'missing user content', input: body({ messages: [{ role: 'user' }] }), param: 'messages[0].content', code: 'missing_required_parameter' },
    { name: 'null user content', input: body({ messages: [{ role: 'user', content: null }] }), param: 'messages[0].content', code: 'invalid_type' },
    {
      name: 'text part without text',
      input: body({ messages: [{ role: 'user', content: [{ type: 'text' }] }] }),
      param: 'messages[0].content[0].text',
      code: 'missing_required_parameter',
    },
    {
      name: 'unknown part type',
      input: body({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'video' }] }] }),
      param: 'messages[0].content[1].type',
      code: 'invalid_value',
    },
    {
      name: 'file part with neither id nor data',
      input: body({ messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf' } }] }] }),
      param: 'messages[0].content[0].file',
      code: 'invalid_value',
    },
    {
      name: 'image part in a system message',
      input: body({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] }, user] }),
      param: 'messages[0].content[0].type',
      code: 'invalid_value',
    },
    { name: 'tool message without tool_call_id', input: body({ messages: [{ role: 'tool', content: 'x' }] }), param: 'messages[0].tool_call_id', code: 'missing_required_parameter' },
    {
      name: 'tool call without arguments',
      input: body({ messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f' } }] }] }),
      param: 'messages[0].tool_calls[0].function.arguments',
      code: 'missing_required_parameter',
    },
    { name: 'unknown top-level key', input: body({ temperture: 1 }), param: 'temperture', code: 'unknown_parameter' },
    { name: 'unknown message key', input: body({ messages: [{ ...user, id: 'm1' }] }), param: 'messages[0].id', code: 'unknown_parameter' },
    { name: 'unknown stream_options key', input: body({ stream: true, stream_options: { usage: true } }), param: 'stream_options.usage', code: 'unknown_parameter' },
    { name: 'tool without name', input: body({ tools: [{ type: 'function', function: {} }] }), param: 'tools[0].function.name', code: 'missing_required_parameter' },
    { name: 'tool name not a string', input: body({ tools: [{ type: 'function', function: { name: 5 } }] }), param: 'tools[0].function.name', code: 'invalid_type' },
    { name: 'Responses-shaped tool', input: body({ tools: [{ type: 'function', name: 'f' }] }), param: 'tools[0].function', code: 'missing_required_parameter' },
    { name: 'unknown tool type', input: body({ tools: [{ type: 'web_search' }] }), param: 'tools[0].type', code: 'invalid_value' },
    { name: 'unknown tool_choice string', input: body({ tool_choice: 'always' }), param: 'tool_choice', code: 'invalid_value' },
    { name: 'named tool_choice without name', input: body({ tool_choice: { type: 'function', function: {} } }), param: 'tool_choice.function.name', code: 'missing_required_parameter' },
    {
      name: 'allowed_tools entry without name',
      input: body({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: {} }] } } }),
      param: 'tool_choice.allowed_tools.tools[0].function.name',
      code: 'missing_required_parameter',
    },
    { name: 'temperature above 2', input: body({ temperature: 2.5 }), param: 'temperature', code: 'invalid_value' },
    { name: 'temperature as a string', input: body({ temperature: '1' }), param: 'temperature', code: 'invalid_type' },
    { name: 'top_p above 1', input: body({ top_p: 1.5 }), param: 'top_p', code: 'invalid_value' },
    { name: 'fractional max_tokens', input: body({ max_tokens: 1.5 }), param: 'max_tokens', code: 'invalid_type' },
    { name: 'n of 0', input: body({ n: 0 }), param: 'n', code: 'invalid_value' },
    { name: 'five stop sequences', input: body({ stop: ['a', 'b', 'c', 'd', 'e'] }), param: 'stop', code: 'invalid_value' },
    { name: 'top_logprobs above 20', input: body({ logprobs: true, top_logprobs: 21 }), param: 'top_logprobs', code: 'invalid_value' },
    { name: 'logit_bias value as a string', input: body({ logit_bias: { '50256': 'x' } }), param: 'logit_bias.50256', code: 'invalid_type' },
    { name: 'unknown response_format type', input: body({ response_format: { type: 'yaml' } }), param: 'response_format.type', code: 'invalid_value' },
    {
      name: 'json_schema name with a space',
      input: body({ response_format: { type: 'json_schema', json_schema: { name: 'my schema' } } }),
      param: 'response_format.json_schema.name',
      code: 'invalid_value',
    },
    { name: 'unknown reasoning_effort', input: body({ reasoning_effort: 'extreme' }), param: 'reasoning_effort', code: 'invalid_value' },
    { name: 'safety_identifier over 64 characters', input: body({ safety_identifier: 'x'.repeat(65) }), param: 'safety_identifier', code: 'invalid_value' },
  ])('$name -> $param', ({ input, param, code }) => {
    expect(rejection(input)).toEqual({ status: 400, type: 'invalid_request_error', param, code });
  });

  it.each([
    { name: 'a __proto__ key', text: '{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"stream":true}}', param: '__proto__' },
    { name: 'a constructor key in a message', text: '{"model":"m","messages":[{"role":"user","content":"x","constructor":1}]}', param: 'messages[0].constructor' },
  ])('$name is an unknown parameter', ({ text, param }) => {
    expect(rejection(JSON.parse(text))).toEqual({ status: 400, type: 'invalid_request_error', param, code: 'unknown_parameter' });
  });

  it.each([null, [], 'model', 42, true])('a body of %j is a 400 without a param', (input) => {
    expect(rejection(input)).toEqual({ status: 400, type: 'invalid_request_error', param: null, code: null });
  });

  it('words the unknown top-level key as the Chat API does', () => {
    expect(() => parseChatRequest(body({ foo: 1 }))).toThrow('Unrecognized request argument supplied: foo');
  });
});

describe('validation and translation never throw anything but an ApiError', () => {
  const valid = body({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: 'https://x/a.png' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    tool_choice: { type: 'function', function: { name: 'f' } },
    response_format: { type: 'json_schema', json_schema: { name: 'out', schema: {} } },
    stream: true,
    stream_options: { include_usage: true },
  });
  const replacements = [undefined, null, 0, -1, 1.5, '', 'x', true, [], [null], {}, { type: 'x' }];

  // Replaces each node of a valid body in turn: every outcome must be a parse or a 400 whose param
  // lies on the replaced node's path, and a parsed body translates or is a 400.
  it('for any single field replaced by a value of another type', () => {
    let rejected = 0;
    for (const path of nodePaths(valid)) {
      for (const replacement of replacements) {
        const mutated = replaceAt(valid, path, replacement);
        let param: string | null;
        try {
          const chat = parseChatRequest(mutated);
          translatesOrRejects(chat);
          continue;
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          param = (error as ApiError).param;
        }
        rejected += 1;
        const replaced = formatPath(path);
        expect(param !== null && (replaced.startsWith(param) || param.startsWith(replaced)), `${replaced} -> ${param}`).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('parseChatRequest accepts what real clients send', () => {
  it.each([
    {
      name: 'nulls for every optional field (openai-python with explicit None)',
      input: body({
        stream: null, stream_options: null, max_tokens: null, max_completion_tokens: null, temperature: null, top_p: null,
        n: null, stop: null, presence_penalty: null, frequency_penalty: null, logit_bias: null, logprobs: null,
        top_logprobs: null, seed: null, tools: null, tool_choice: null, functions: null, function_call: null,
        response_format: null, reasoning_effort: null, verbosity: null, modalities: null, audio: null, prediction: null,
        web_search_options: null, store: null, metadata: null, user: null, safety_identifier: null, prompt_cache_key: null,
        prompt_cache_retention: null, service_tier: null, moderation: null,
      }),
    },
    {
      name: 'an assistant reply appended as the SDK returned it',
      input: body({
        messages: [
          user,
          {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            audio: null,
            function_call: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '42' },
        ],
      }),
    },
    {
      name: "the Vercel AI SDK's agent turn (content '' beside tool_calls, stream_options)",
      input: body({
        messages: [
          { role: 'system', content: 'You are helpful.' },
          user,
          { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"ok":true}' },
        ],
        tools: [{ type: 'function', function: { name: 'f', description: 'F.', parameters: { type: 'object', properties: {} }, strict: true } }],
        tool_choice: 'auto',
        parallel_tool_calls: false,
        max_completion_tokens: 1024,
        stream: true,
        stream_options: { include_usage: true },
      }),
    },
    {
      name: "LangGraph's ToolNode output (tool message with name) and LangChain defaults",
      input: body({
        messages: [
          user,
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', name: 'f', content: [{ type: 'text', text: 'done' }] },
        ],
        n: 1, temperature: 0.7, top_p: 1, presence_penalty: 0, frequency_penalty: 0, stream: false,
      }),
    },
    {
      name: 'an assistant message with tool_calls: [] and reasoning_content from a reasoning server',
      input: body({ messages: [user, { role: 'assistant', content: 'Hello', tool_calls: [], reasoning_content: 'thinking' }, user] }),
    },
    {
      name: 'every user part type with prompt cache breakpoints',
      input: body({
        prompt_cache_options: { mode: 'explicit' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look', prompt_cache_breakpoint: { mode: 'explicit' } },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' }, prompt_cache_breakpoint: { mode: 'explicit' } },
              { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,AAAA' }, prompt_cache_breakpoint: { mode: 'explicit' } },
              { type: 'file', file: { file_id: 'file-1' } },
            ],
          },
        ],
      }),
    },
    {
      name: 'legacy functions with a function_call history',
      input: body({
        messages: [
          user,
          { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
          { role: 'function', name: 'f', content: null },
        ],
        functions: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
        function_call: { name: 'f' },
      }),
    },
    { name: "the 6.10 SDK's prompt_cache_retention spelling", input: body({ prompt_cache_retention: 'in-memory' }) },
  ])('$name', ({ input }) => {
    expect(parseChatRequest(input)).toEqual(input);
  });
});

function translatesOrRejects(chat: ChatRequest): void {
  try {
    toResponsesRequest(chat);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
  }
}

type Path = Array<string | number>;

function nodePaths(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const children = Array.isArray(value) ? value.map((child, index) => [index, child] as const) : Object.entries(value);
  return [path, ...children.flatMap(([key, child]) => nodePaths(child, [...path, key]))].filter((node) => node.length > 0);
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[head] = replaceAt(copy[head], rest, replacement);
  if (replacement === undefined && rest.length === 0 && !Array.isArray(copy)) delete copy[head];
  return copy;
}

function formatPath(path: Path): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}
