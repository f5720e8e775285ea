/**
 * Response objects and output items as the real API sends them (ids, fields the SDK types lack),
 * built from the few values a test or the demo cares about.
 */
import { randomBytes } from 'node:crypto';

export const defaultModel = 'gpt-test-2026-01-01';

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlphanumeric(length: number): string {
  return Array.from(randomBytes(length), (byte) => alphanumeric[byte % alphanumeric.length]).join('');
}


/** `resp_`, `msg_`, `fc_` and `rs_` ids are 50 hex characters after the prefix in real traffic. */
export function newItemId(prefix: 'resp' | 'msg' | 'fc' | 'rs'): string {
  return `${prefix}_${randomBytes(25).toString('hex')}`;
}

/** Random padding on delta events; observed lengths make delta + obfuscation 16 characters. */
export function obfuscation(delta: string): string {
  return randomAlphanumeric(Math.max(1, 16 - delta.length));
}

/** Usage as the Responses API sends it, every detail present. */
export function responsesUsage(input: number, output: number, details: { cached?: number; reasoning?: number } = {}) {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: details.cached ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: details.reasoning ?? 0 },
    total_tokens: input + output,
  };
}

/** A full Response object as the real API sends it, including fields the SDK types lack. */
export function responseObject(
  overrides: Partial<Record<string, unknown>> & { output?: unknown[] } = {},
): Record<string, any> {
  const createdAt = Math.floor(Date.now() / 1000);
  const response: Record<string, any> = {
    id: newItemId('resp'),
    object: 'response',
    created_at: createdAt,
    status: 'completed',
    background: false,
    completed_at: null,
    error: null,
    frequency_penalty: 0,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: defaultModel,
    output: [],
    parallel_tool_calls: true,
    presence_penalty: 0,
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    usage: responsesUsage(11, 10),
    user: null,
    metadata: {},
    ...overrides,
  };
  if (!('completed_at' in overrides) && response.status === 'completed') response.completed_at = response.created_at;
  return response;
}

export function messageItem(text: string, extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: newItemId('msg'),
    type: 'message',
    status: 'completed',
    content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
    role: 'assistant',
    ...extra,
  };
}

export function functionCallItem(name: string, args: string, callId?: string): Record<string, any> {
  return {
    id: newItemId('fc'),
    type: 'function_call',
    status: 'completed',
    arguments: args,
    call_id: callId ?? `call_${randomAlphanumeric(24)}`,
    name,
  };
}

/**
 * A reasoning item: its summary parts (empty unless the request asked for a summary) and, when
 * asked for with `include: ["reasoning.encrypted_content"]`, an opaque encrypted blob.
 */
export function reasoningItem(summary: string[], encryptedContent?: string): Record<string, any> {
  const item: Record<string, any> = {
    id: newItemId('rs'),
    type: 'reasoning',
    summary: summary.map((text) => ({ type: 'summary_text', text })),
  };
  if (encryptedContent !== undefined) item.encrypted_content = encryptedContent;
  return item;
}
