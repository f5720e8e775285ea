/**
 * What the fake answers when no reply was queued: an answer shaped by the request, as a model
 * would give it. A function tool is called when tools are offered (unless the last input answers a
 * call, or `tool_choice` is `none`); a `json_schema` format gets JSON that matches the schema; a
 * reasoning model thinks first (a reasoning item, with a summary when `reasoning.summary` was
 * asked, and encrypted content when included); otherwise a short text. Streamed when asked.
 */
import type { Reply } from './server.js';
import { functionCallStreamEvents, textStreamEvents } from './stream-events.js';
import { isRecord } from './request-validation.js';
import { functionCallItem, messageItem, reasoningItem, responseObject, responsesUsage } from './wire-objects.js';

export const defaultText = 'Hello from the fake upstream.';

/** Request fields the real API echoes back on the Response object. */
const echoedParameters = [
  'model', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'max_tool_calls', 'temperature', 'top_p', 'top_logprobs', 'reasoning', 'previous_response_id', 'store',
  'background', 'truncation', 'metadata', 'user', 'safety_identifier', 'prompt_cache_key',
  'prompt_cache_retention',
] as const;

/** Models that reason before they answer (as the adapter's default REASONING_MODELS says). */
const REASONING_MODELS = /(^|[/:])(o\d|gpt-5(?!.*chat)|gpt-oss|[\w.-]*codex)/i;

export function defaultCreateReply(requestBody: unknown): Reply {
  const body = isRecord(requestBody) ? requestBody : {};
  const echoed: Record<string, unknown> = {};
  for (const key of echoedParameters) if (body[key] !== undefined) echoed[key] = body[key];
  if (body.text !== undefined) echoed.text = { verbosity: 'medium', ...body.text };

  const reasoning = reasoningFor(body);
  const call = toolCallFor(body);
  if (call) {
    const item = functionCallItem(call.name, call.arguments);
    const response = responseObject({ ...echoed, output: [...(reasoning ? [reasoning] : []), item], ...usageFor(reasoning) });
    if (body.stream !== true) return { kind: 'json', body: response };
    return { kind: 'stream', events: functionCallStreamEvents(response, [{ name: call.name, args: fragments(call.arguments), callId: item.call_id }]) };
  }
  const text = textFor(body);
  const response = responseObject({ ...echoed, output: [...(reasoning ? [reasoning] : []), messageItem(text)], ...usageFor(reasoning) });
  if (body.stream !== true) return { kind: 'json', body: response };
  return { kind: 'stream', events: textStreamEvents(response, text === defaultText ? ['Hello', ' from', ' the fake', ' upstream.'] : fragments(text)) };
}

function usageFor(reasoning: Record<string, any> | undefined): Record<string, unknown> {
  return reasoning ? { usage: responsesUsage(11, 74, { reasoning: 64 }) } : {};
}

function reasoningFor(body: Record<string, any>): Record<string, any> | undefined {
  if (typeof body.model !== 'string' || !REASONING_MODELS.test(body.model)) return undefined;
  const summary = isRecord(body.reasoning) && body.reasoning.summary != null ? ['Working out what is asked, then answering it briefly.'] : [];
  const encrypted = Array.isArray(body.include) && body.include.includes('reasoning.encrypted_content');
  return reasoningItem(summary, encrypted ? `gAAAAA${Buffer.from(`simulated reasoning ${Date.now()}`).toString('base64')}` : undefined);
}

/** The function a model would call now: none after a tool result, with `tool_choice: none`, or without function tools. */
function toolCallFor(body: Record<string, any>): { name: string; arguments: string } | undefined {
  const functions = (Array.isArray(body.tools) ? body.tools : []).filter((tool: unknown) => isRecord(tool) && tool.type === 'function' && typeof tool.name === 'string');
  if (functions.length === 0 || body.tool_choice === 'none') return undefined;
  const input = Array.isArray(body.input) ? body.input : [];
  const last = input.at(-1);
  if (isRecord(last) && (last.type === 'function_call_output' || last.type === 'custom_tool_call_output')) return undefined;
  const chosen = isRecord(body.tool_choice) && typeof body.tool_choice.name === 'string' ? body.tool_choice.name : undefined;
  const tool = functions.find((candidate: Record<string, any>) => candidate.name === chosen) ?? functions[0];
  return { name: tool.name, arguments: JSON.stringify(exampleOf(tool.parameters ?? {}, tool.parameters ?? {}, 'value')) };
}

function textFor(body: Record<string, any>): string {
  const format = isRecord(body.text) && isRecord(body.text.format) ? body.text.format : undefined;
  if (format?.type === 'json_schema') return JSON.stringify(exampleOf(format.schema ?? {}, format.schema ?? {}, 'value'));
  if (format?.type === 'json_object') return JSON.stringify({ answer: 'A simulated answer.' });
  const input = Array.isArray(body.input) ? body.input : [];
  const last = input.at(-1);
  if (isRecord(last) && last.type === 'function_call_output') {
    return `The tool answered ${typeof last.output === 'string' ? last.output : JSON.stringify(last.output)}: that is the simulated answer.`;
  }
  return defaultText;
}

/** Text as a model streams it: a few words per delta. */
function fragments(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [text];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += 2) pieces.push(words.slice(index, index + 2).join(''));
  return pieces.length > 0 ? pieces : [text];
}

/** A value that matches a JSON schema: every property, the first enum value or alternative, one array item. */
export function exampleOf(schema: unknown, root: unknown, name: string, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  if (typeof schema.$ref === 'string') return exampleOf(resolveReference(root, schema.$ref), root, name, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const concrete = alternatives.find((alternative: unknown) => isRecord(alternative) && alternative.type !== 'null') ?? alternatives[0];
    return exampleOf(concrete, root, name, depth + 1);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return exampleOf({ ...schema.allOf[0], ...schema, allOf: undefined }, root, name, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type.find((candidate: unknown) => candidate !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object':
    case undefined: {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      if (type === undefined && Object.keys(properties).length === 0) return `example ${name}`;
      return Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, exampleOf(property, root, key, depth + 1)]));
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
      return Array.from({ length: count }, () => exampleOf(schema.items ?? {}, root, name, depth + 1));
    }
    case 'string':
      return exampleString(schema, name);
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 1;
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function exampleString(schema: Record<string, any>, name: string): string {
  if (schema.format === 'date') return '2026-01-01';
  if (schema.format === 'date-time') return '2026-01-01T12:00:00Z';
  if (schema.format === 'email') return 'someone@example.com';
  if (schema.format === 'uri') return 'https://example.com/';
  if (/city|location|place/i.test(name)) return 'Paris';
  return `example ${name}`;
}

function resolveReference(root: unknown, reference: string): unknown {
  if (!reference.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of reference.slice(1).split('/').filter((segment) => segment !== '')) {
    node = isRecord(node) ? node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return node ?? {};
}
