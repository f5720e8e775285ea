/**
 * fast-check arbitraries for INVALID Chat requests: a valid request (chat-arbitraries.ts) with one
 * thing broken, and the request path the 400 must name (that field or a part of it). Breakages:
 * wrong types and values, missing fields, unknown keys (prototype-pollution keys included), huge
 * arrays, deep nesting, odd Unicode in enums, and cross-field rules of REFERENCE §1.
 */
import fc from 'fast-check';
import { trickyText, validChatRequest } from './chat-arbitraries.js';

type Json = Record<string, any>;

export interface InvalidRequest {
  body: Json;
  /** The body as JSON text (deeply nested values are written out without recursion). */
  text: string;
  /** The path the 400's `param` must equal or lie under. */
  param: string;
  mutation: string;
}

/** Sets an own property even for `__proto__`, as JSON.parse does. */
function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Arrays nested `depth` deep around `leaf`, built without recursion. */
export function nested(depth: number, leaf: unknown = 'x'): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

const deepDepth = fc.integer({ min: 5_000, max: 60_000 });

/** Builds a deeply nested value: real arrays for in-process calls, a placeholder for the JSON text. */
type Deep = (depth: number) => unknown;
const DEEP_PLACEHOLDER = /"\\u0001deep:(\d+)"/g;
const placeholder: Deep = (depth) => `\u0001deep:${depth}`;

function jsonText(body: Json): string {
  return JSON.stringify(body).replace(DEEP_PLACEHOLDER, (_, depth: string) => {
    const levels = Number(depth);
    return `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;
  });
}

/** Keys that must never reach an object's prototype, and keys no schema knows. */
const foreignKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'),
  fc.constantFrom('base_url', 'api_base', '\u0000', '\ud800', 'model\r\nx-evil: 1', ' model'),
  fc.string({ minLength: 1, maxLength: 12 }).map((key) => `x_${key}`),
);
const pollutingValue = fc.oneof(fc.constant({ polluted_marker: true }), fc.constant('polluted'), fc.constant([1]));

/** Top-level fields with values of the wrong type, out of range, or odd Unicode in an enum. */
const wrongTopLevelValues: Array<[string, unknown[]]> = [
  ['model', [5, true, [], {}, null, '']],
  ['messages', ['hi', {}, [], 5, null, [null], [[]]]],
  ['stream', ['true', 1, {}]],
  ['temperature', ['1', 2.5, -0.1, true, []]],
  ['top_p', [1.5, -1, 'x']],
  ['n', [0, 1.5, 129, '2', -1]],
  ['max_tokens', [0, -1, 1.5, '10']],
  ['max_completion_tokens', [0, -5, 'many']],
  ['stop', [5, [1], ['a', 'b', 'c', 'd', 'e'], { text: 'x' }]],
  ['presence_penalty', [3, -3, 'x']],
  ['frequency_penalty', [2.5, [0]]],
  ['logit_bias', [{ 50256: 101 }, [], 'x', { 1: 'x' }]],
  ['logprobs', ['yes', 0]],
  ['seed', [1.5, 'x']],
  ['tools', [{}, 'x', [5], [{ type: 'function' }], [{ type: 'retrieval' }], [{ type: 'function', function: { name: '' } }]]],
  [
    'tool_choice',
    ['always', 5, { type: 'function' }, { type: 'function', function: {} }, 'auto\r\n', { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } }],
  ],
  ['functions', [[], {}, [{ name: 5 }]]],
  ['function_call', ['always', { name: '' }, 5]],
  ['response_format', ['json', { type: 'xml' }, { type: 'json_schema', json_schema: { name: 'bad name!' } }, { type: 'json_schema' }]],
  ['reasoning_effort', ['extreme', 'HIGH', 'high\u0000', 'low\ud800']],
  ['verbosity', ['loud', 1]],
  ['service_tier', ['gold', 'auto\r\n']],
  ['metadata', [{ key: 5 }, { ['k'.repeat(65)]: 'v' }, { key: 'v'.repeat(513) }, 'x']],
  ['safety_identifier', ['s'.repeat(65), 5]],
  ['modalities', [['video'], 'text', ['audio'], ['text', 'audio']]],
  ['audio', [{ voice: 'alloy', format: 'mp3' }, 'alloy']],
  ['prediction', [{ type: 'diff', content: 'x' }, 'x']],
  ['web_search_options', [{ search_context_size: 'huge' }, { user_location: { type: 'exact' } }]],
  ['prompt_cache_retention', ['forever', '24H']],
  ['stream_options', ['usage', { include_usage: 'yes' }, { include_usage: true, extra: 1 }]],
];

const rivalFields: Record<string, string[]> = {
  tools: ['functions', 'function_call'],
  tool_choice: ['functions', 'function_call'],
  functions: ['tools', 'tool_choice'],
  function_call: ['tools', 'tool_choice'],
};

const wrongTopLevel = fc
  .constantFrom(...wrongTopLevelValues.flatMap(([field, values]) => values.map((value) => [field, value] as const)))
  .map(([field, value]) => ({
    mutation: `${field}: ${JSON.stringify(value)?.slice(0, 40)}`,
    param: field,
    apply(body: Json) {
      setOwn(body, field, value);
      // Keep the only fault the one named: stream_options is otherwise rejected for a non-stream.
      if (field === 'stream_options') body.stream = true;
      // Tools and legacy functions exclude each other: keep only the family being broken.
      for (const rival of rivalFields[field] ?? []) delete body[rival];
    },
  }));

/** Rules between fields (REFERENCE §1.1): each breaks exactly one. */
const crossFieldBreaks = fc.constantFrom(
  {
    mutation: 'stream_options without stream',
    param: 'stream_options',
    apply(body: Json) {
      body.stream = false;
      body.stream_options = { include_usage: true };
    },
  },
  {
    mutation: 'top_logprobs without logprobs',
    param: 'top_logprobs',
    apply(body: Json) {
      body.logprobs = false;
      body.top_logprobs = 3;
    },
  },
  {
    mutation: 'tools and legacy functions together',
    param: 'functions',
    apply(body: Json) {
      delete body.function_call;
      body.tools = [{ type: 'function', function: { name: 'lookup' } }];
      body.functions = [{ name: 'lookup' }];
    },
  },
  {
    mutation: 'tool_choice and legacy function_call together',
    param: 'function_call',
    apply(body: Json) {
      delete body.functions;
      body.tool_choice = 'auto';
      body.function_call = 'auto';
    },
  },
);

/** Breaks inside one message: missing or wrong role/content, unknown keys, answers to no call. */
function messageBreaks(body: Json): fc.Arbitrary<Mutation> {
  const messages = body.messages as Json[];
  return fc.nat({ max: messages.length - 1 }).chain((index) => {
    const at = `messages[${index}]`;
    const message = messages[index]!;
    const breaks: Array<fc.Arbitrary<Mutation>> = [
      fc.constantFrom('robot', 'User', 'user\u0000', 'assistant\ud800', 5, null, '').map((role) => ({
        mutation: `${at}.role = ${JSON.stringify(role)}`,
        param: `${at}.role`,
        apply: (target: Json) => void (target.messages[index].role = role),
      })),
      fc.constant({ mutation: `${at} without role`, param: `${at}.role`, apply: (target: Json) => void delete target.messages[index].role }),
      fc.tuple(foreignKey, pollutingValue).map(([key, value]) => ({
        mutation: `${at}[${JSON.stringify(key)}]`,
        param: `${at}.${key}`,
        apply: (target: Json) => setOwn(target.messages[index], key, value),
      })),
      fc.constant({ mutation: `${at} is a string`, param: at, apply: (target: Json) => void (target.messages[index] = 'hello') }),
    ];
    if (['user', 'system', 'developer', 'tool'].includes(message.role)) {
      breaks.push(
        fc.constant({ mutation: `${at} without content`, param: `${at}.content`, apply: (target: Json) => void delete target.messages[index].content }),
        fc.constantFrom(5, {}, [], [{ type: 'text' }], [{ type: 'video', video: 'x' }], [{ type: 'image_url', image_url: { url: '' } }]).map((content) => ({
          mutation: `${at}.content = ${JSON.stringify(content)}`,
          param: `${at}.content`,
          apply: (target: Json) => void (target.messages[index].content = content),
        })),
        deepDepth.map((depth) => ({
          mutation: `${at}.content nested ${depth} deep`,
          param: `${at}.content`,
          apply: (target: Json, deep: Deep) => void (target.messages[index].content = deep(depth)),
        })),
      );
    }
    if (message.role === 'user') {
      breaks.push(
        fc.constant({
          mutation: `${at} with an audio part`,
          param: `${at}.content[0]`,
          apply: (target: Json) =>
            void (target.messages[index].content = [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }]),
        }),
        fc.constant({
          mutation: `${at} with a file part naming no file`,
          param: `${at}.content[0].file`,
          apply: (target: Json) => void (target.messages[index].content = [{ type: 'file', file: { filename: 'a.pdf' } }]),
        }),
      );
    }
    if (message.role === 'tool') {
      breaks.push(
        fc.constantFrom('call_unknown', 'call_\u0000', '__proto__').map((id) => ({
          mutation: `${at} answers no call (${JSON.stringify(id)})`,
          param: `${at}.tool_call_id`,
          apply: (target: Json) => void (target.messages[index].tool_call_id = id),
        })),
      );
    }
    if (message.role === 'assistant' && Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      breaks.push(
        fc.constantFrom('id', 'type').map((key) => ({
          mutation: `${at}.tool_calls[0] without ${key}`,
          param: `${at}.tool_calls[0]`,
          apply: (target: Json) => void delete target.messages[index].tool_calls[0][key],
        })),
      );
    }
    return fc.oneof(...breaks);
  });
}

/** Unknown keys (prototype-pollution keys among them) where the schema is strict. */
function unknownKeys(body: Json): fc.Arbitrary<Mutation> {
  const locations: Array<[string, (target: Json) => Json]> = [['', (target) => target]];
  if (Array.isArray(body.tools) && body.tools[0]?.type === 'function') locations.push(['tools[0].function', (target) => target.tools[0].function]);
  if (body.response_format?.type === 'json_schema') locations.push(['response_format.json_schema', (target) => target.response_format.json_schema]);
  if (body.stream_options != null) locations.push(['stream_options', (target) => target.stream_options]);
  // Assistant content parts strip unknown keys on purpose: agent SDKs echo output keys onto them.
  const first = body.messages[0];
  if (first.role !== 'assistant' && Array.isArray(first.content) && first.content.length > 0) {
    locations.push(['messages[0].content[0]', (target) => target.messages[0].content[0]]);
  }
  return fc.tuple(fc.constantFrom(...locations), foreignKey, pollutingValue).map(([[path, locate], key, value]) => ({
    mutation: `unknown key ${JSON.stringify(key)} at ${path || 'the top level'}`,
    param: path === '' ? key : `${path}.${key}`,
    apply: (target: Json) => setOwn(locate(target), key, value),
  }));
}

/** `__proto__` inside free-form maps: silently dropped, it would change what is sent upstream. */
const protoInMaps = fc
  .constantFrom(
    ['metadata', '{"__proto__":"x"}'],
    ['logit_bias', '{"__proto__":5}'],
    ['prompt_cache_options', '{"__proto__":{"polluted_marker":true}}'],
    ['moderation', '{"nested":{"__proto__":{"polluted_marker":true}}}'],
  )
  .map(([field, json]) => ({
    mutation: `${field} with a __proto__ key`,
    param: field,
    // Parsed from text so `__proto__` is an own key, as it is on the wire.
    apply: (target: Json) => setOwn(target, field, JSON.parse(json)),
  }));

/** Free-form JSON nested far beyond any schema's needs (it once made JSON.stringify overflow the stack). */
const deepFreeForm = fc.tuple(fc.constantFrom('prompt_cache_options', 'moderation', 'response_format'), deepDepth).map(([field, depth]) => ({
  mutation: `${field} nested ${depth} deep`,
  param: field,
  apply(target: Json, deep: Deep) {
    target[field] =
      field === 'response_format'
        ? { type: 'json_schema', json_schema: { name: 'deep', schema: { type: 'object', default: deep(depth) } } }
        : { nested: deep(depth) };
  },
}));

/** Arrays far longer than allowed, or long with one bad element at the end. */
const hugeArrays = fc.integer({ min: 5, max: 3_000 }).chain((length) =>
  fc.constantFrom(
    { mutation: `${length} stop sequences`, param: 'stop', apply: (target: Json) => void (target.stop = Array.from({ length }, (_, index) => `stop${index}`)) },
    {
      mutation: `${length} messages, the last one broken`,
      param: 'messages',
      apply(target: Json) {
        target.messages = [...Array.from({ length }, () => ({ role: 'user', content: 'again' })), { role: 'user', content: 5 }];
      },
    },
    {
      mutation: `${length} tools, the last one broken`,
      param: 'tools',
      apply(target: Json) {
        delete target.functions;
        delete target.function_call;
        target.tools = [...Array.from({ length }, (_, index) => ({ type: 'function', function: { name: `tool${index}` } })), { type: 'function' }];
      },
    },
  ),
);

/** The request itself is not an object with the required fields. */
const missingTopLevel = fc.constantFrom('model', 'messages').map((field) => ({
  mutation: `no ${field}`,
  param: field,
  apply: (target: Json) => void delete target[field],
}));

const oddUnicodeModel = trickyText.map((suffix) => ({
  mutation: 'model of a wrong type holding odd Unicode',
  param: 'model',
  apply: (target: Json) => void (target.model = [`gpt${suffix}`]),
}));

interface Mutation {
  mutation: string;
  param: string;
  apply(body: Json, deep: Deep): void;
}

export const invalidChatRequest: fc.Arbitrary<InvalidRequest> = validChatRequest.chain((valid) =>
  fc
    .oneof(
      { weight: 4, arbitrary: wrongTopLevel },
      { weight: 1, arbitrary: crossFieldBreaks },
      { weight: 4, arbitrary: messageBreaks(valid) },
      { weight: 3, arbitrary: unknownKeys(valid) },
      { weight: 1, arbitrary: protoInMaps },
      { weight: 1, arbitrary: deepFreeForm },
      { weight: 1, arbitrary: hugeArrays },
      { weight: 1, arbitrary: missingTopLevel },
      { weight: 1, arbitrary: oddUnicodeModel },
    )
    .map(({ mutation, param, apply }) => {
      const body = structuredClone(valid);
      apply(body, nested);
      const wire = structuredClone(valid);
      apply(wire, placeholder);
      const text = jsonText(wire);
      // fast-check would print a counterexample by recursion, which deep bodies overflow.
      const describe = () => `${mutation} (param ${param}): ${text.length > 600 ? `${text.slice(0, 600)}…` : text}`;
      return { body, text, param, mutation, [fc.toStringMethod]: describe };
    }),
);

/** Whether a 400's `param` names the broken field or something inside it. */
export function namesField(param: unknown, field: string): boolean {
  return typeof param === 'string' && (param === field || param.startsWith(`${field}.`) || param.startsWith(`${field}[`));
}
