/**
 * The fate of every Chat Completions parameter on the Responses API (the README's mapping table,
 * as data): mapped, emulated, warned or rejected, and what becomes of it. The dry run computes it
 * for one request: the general fate, sharpened by what this request's values did.
 */
import type { ChatRequest } from '../schema/chat-request.js';
import type { AdapterWarning } from './warnings.js';

export type Fate = 'mapped' | 'emulated' | 'warned' | 'rejected';

export interface ParameterFate {
  /** The Chat parameter (a top-level key, or a path such as `messages[2].name`). */
  param: string;
  fate: Fate;
  /** What the adapter does with it, for this request. */
  detail: string;
}

/** The general fate of each top-level parameter the adapter accepts. */
export const PARAMETER_FATES: Readonly<Record<keyof ChatRequest, { fate: Fate; detail: string }>> = {
  model: { fate: 'mapped', detail: '`model` (after MODEL_ALIASES).' },
  messages: { fate: 'mapped', detail: 'Leading system/developer messages become `instructions`; the rest become `input` items in order.' },
  stream: { fate: 'mapped', detail: '`stream`; Responses events become chat.completion.chunk frames.' },
  stream_options: { fate: 'mapped', detail: '`include_obfuscation` is sent as it is; `include_usage` is emulated (a last chunk with the usage).' },
  max_tokens: { fate: 'mapped', detail: '`max_output_tokens` (raised to 16, the upstream minimum, with a warning).' },
  max_completion_tokens: { fate: 'mapped', detail: '`max_output_tokens` (raised to 16, the upstream minimum, with a warning).' },
  temperature: { fate: 'mapped', detail: '`temperature`.' },
  top_p: { fate: 'mapped', detail: '`top_p`.' },
  n: { fate: 'emulated', detail: 'One upstream call per choice, run at once; usage summed.' },
  stop: { fate: 'emulated', detail: 'The text is cut before the first stop sequence, also across stream deltas.' },
  presence_penalty: { fate: 'warned', detail: 'No Responses equivalent: dropped when not zero.' },
  frequency_penalty: { fate: 'warned', detail: 'No Responses equivalent: dropped when not zero.' },
  logit_bias: { fate: 'warned', detail: 'No Responses equivalent: dropped when any bias is not zero.' },
  logprobs: { fate: 'mapped', detail: '`include: ["message.output_text.logprobs"]`; logprobs come back per token.' },
  top_logprobs: { fate: 'mapped', detail: '`top_logprobs` (needs `logprobs: true`).' },
  seed: { fate: 'warned', detail: 'No Responses equivalent: dropped.' },
  tools: { fate: 'mapped', detail: 'Flattened function and custom tools, `strict` always explicit.' },
  tool_choice: { fate: 'mapped', detail: 'Flattened `tool_choice`.' },
  parallel_tool_calls: { fate: 'mapped', detail: '`parallel_tool_calls`.' },
  functions: { fate: 'mapped', detail: 'Legacy functions become tools; the answer keeps the legacy shape.' },
  function_call: { fate: 'mapped', detail: 'Becomes `tool_choice`; the answer keeps the legacy shape.' },
  response_format: { fate: 'mapped', detail: '`text.format` (json_schema flattened, `strict` explicit).' },
  reasoning_effort: { fate: 'mapped', detail: '`reasoning.effort`.' },
  verbosity: { fate: 'mapped', detail: '`text.verbosity`.' },
  modalities: { fate: 'rejected', detail: 'Audio output is not available; `["text"]` passes.' },
  audio: { fate: 'rejected', detail: 'Audio output is not available through the Responses API.' },
  prediction: { fate: 'warned', detail: 'No Predicted Outputs on the Responses API: dropped when not empty.' },
  web_search_options: { fate: 'mapped', detail: 'A `web_search` tool; citations come back as `url_citation` annotations.' },
  store: { fate: 'mapped', detail: '`store` (false unless the client sent true: Chat Completions stores nothing by default).' },
  metadata: { fate: 'mapped', detail: '`metadata`.' },
  user: { fate: 'mapped', detail: '`user`.' },
  safety_identifier: { fate: 'mapped', detail: '`safety_identifier`.' },
  prompt_cache_key: { fate: 'mapped', detail: '`prompt_cache_key`.' },
  prompt_cache_retention: { fate: 'mapped', detail: '`prompt_cache_retention` (`in-memory` sent as `in_memory`).' },
  prompt_cache_options: { fate: 'mapped', detail: '`prompt_cache_options`.' },
  service_tier: { fate: 'mapped', detail: '`service_tier`.' },
  moderation: { fate: 'mapped', detail: '`moderation`.' },
};

/**
 * Each parameter of one request with its fate for these values: a dropped or adjusted one is
 * `warned` (its message says why), an emulation that did nothing (`n: 1`, no stop sequence) is
 * `mapped`, and the parameter a 400 names is `rejected`.
 */
export function fatesOf(body: Record<string, unknown>, warnings: readonly AdapterWarning[], rejected?: { param: string | null; message: string }): ParameterFate[] {
  const fates: ParameterFate[] = [];
  const warned = new Map(warnings.map((warning) => [warning.param, warning.message]));
  const rejectedTop = rejected?.param?.split(/[.[]/, 1)[0];
  for (const param of Object.keys(body)) {
    const known = Object.hasOwn(PARAMETER_FATES, param) ? PARAMETER_FATES[param as keyof ChatRequest] : undefined;
    if (param === rejectedTop && rejected) {
      fates.push({ param, fate: 'rejected', detail: rejected.message });
    } else if (known === undefined) {
      fates.push({ param, fate: 'rejected', detail: `Unrecognized request argument supplied: ${param}` });
    } else if (warned.has(param)) {
      fates.push({ param, fate: 'warned', detail: warned.get(param)! });
    } else {
      fates.push({ param, ...sharpened(param as keyof ChatRequest, body, known) });
    }
  }
  // Warnings deeper in the request (a message's `name`).
  for (const warning of warnings) {
    if (!Object.hasOwn(body, warning.param)) fates.push({ param: warning.param, fate: 'warned', detail: warning.message });
  }
  return fates;
}

function sharpened(param: keyof ChatRequest, body: Record<string, unknown>, known: { fate: Fate; detail: string }): { fate: Fate; detail: string } {
  const value = body[param];
  if (param === 'n' && (value == null || value === 1)) return { fate: 'mapped', detail: 'One upstream call.' };
  if (param === 'stop' && (value == null || (Array.isArray(value) && value.length === 0))) return { fate: 'mapped', detail: 'No stop sequence.' };
  if (param === 'stream_options' && (value as { include_usage?: unknown } | null)?.include_usage === true) {
    return { fate: 'emulated', detail: 'include_usage: a last chunk with `choices: []` and the usage; the rest is sent as it is.' };
  }
  if (known.fate === 'warned') return { fate: 'mapped', detail: 'Its value changes nothing here, so it passes without a warning.' };
  if (known.fate === 'rejected') return { fate: 'mapped', detail: 'Its value asks for nothing the adapter cannot serve.' };
  return known;
}
