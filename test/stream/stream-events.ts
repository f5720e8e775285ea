/**
 * Hand-built Responses stream events (REFERENCE §6.2), written from the spec so the always-on tests
 * do not depend on the recordings, plus a driver that runs a list of events through the reducer.
 */
import { createStreamState, finish, step, type StepResult, type RawUpstreamEvent } from '../../src/stream/reducer.js';
import type { ChatContext } from '../../src/translate/chat-envelope.js';
import type { ResponseTranslationOptions } from '../../src/translate/chat-envelope.js';
import type { ChatCompletionChunk, ChatDelta } from '../../src/types/chat.js';
import { responsesUsage } from '../helpers/usage-objects.js';

export const RESPONSE_ID = 'resp_0123456789abcdef';
export const COMPLETION_ID = 'chatcmpl-0123456789abcdef';
export const CREATED_AT = 1_760_000_000;
export const MODEL = 'gpt-test-2026-01-01';

export function chatContext(overrides: Partial<ChatContext> = {}): ChatContext {
  return { n: 1, stream: true, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false, ...overrides };
}

export const usage = responsesUsage(12, 30, { cached: 4, reasoning: 8 });

function snapshot(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: RESPONSE_ID,
    object: 'response',
    created_at: CREATED_AT,
    status: 'in_progress',
    model: MODEL,
    output: [],
    usage: null,
    service_tier: 'auto',
    ...overrides,
  };
}

export const created = (overrides: Record<string, unknown> = {}) => ({
  type: 'response.created',
  response: snapshot(overrides),
});
export const inProgress = () => ({ type: 'response.in_progress', response: snapshot() });

export const completed = (output: unknown[] = [], overrides: Record<string, unknown> = {}) => ({
  type: 'response.completed',
  response: snapshot({ status: 'completed', output, usage, service_tier: 'default', ...overrides }),
});
export const incomplete = (reason: string, output: unknown[] = []) => ({
  type: 'response.incomplete',
  response: snapshot({ status: 'incomplete', incomplete_details: { reason }, output, usage, service_tier: 'default' }),
});
export const failed = (code: string, message: string) => ({
  type: 'response.failed',
  response: snapshot({ status: 'failed', error: { code, message } }),
});

export const messageAdded = (id: string, outputIndex = 0) => ({
  type: 'response.output_item.added',
  output_index: outputIndex,
  item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
});
export const messageDone = (id: string, content: unknown[], outputIndex = 0) => ({
  type: 'response.output_item.done',
  output_index: outputIndex,
  item: { id, type: 'message', status: 'completed', role: 'assistant', content },
});
export const outputText = (text: string, annotations: unknown[] = []) => ({
  type: 'output_text',
  text,
  annotations,
  logprobs: [],
});

const textLocation = (itemId: string, contentIndex: number) => ({ item_id: itemId, output_index: 0, content_index: contentIndex });

export const partAdded = (itemId: string, contentIndex = 0, type = 'output_text') => ({
  type: 'response.content_part.added',
  ...textLocation(itemId, contentIndex),
  part: type === 'refusal' ? { type, refusal: '' } : { type, text: '', annotations: [], logprobs: [] },
});
export const textDelta = (itemId: string, delta: string, contentIndex = 0, logprobs: unknown[] = []) => ({
  type: 'response.output_text.delta',
  ...textLocation(itemId, contentIndex),
  delta,
  logprobs,
  obfuscation: 'padding',
});
export const textDone = (itemId: string, text: string, contentIndex = 0) => ({
  type: 'response.output_text.done',
  ...textLocation(itemId, contentIndex),
  text,
  logprobs: [],
});
export const annotationAdded = (itemId: string, annotation: Record<string, unknown>, contentIndex = 0) => ({
  type: 'response.output_text.annotation.added',
  ...textLocation(itemId, contentIndex),
  annotation_index: 0,
  annotation,
});
export const refusalDelta = (itemId: string, delta: string, contentIndex = 0) => ({
  type: 'response.refusal.delta',
  ...textLocation(itemId, contentIndex),
  delta,
});
export const refusalDone = (itemId: string, refusal: string, contentIndex = 0) => ({
  type: 'response.refusal.done',
  ...textLocation(itemId, contentIndex),
  refusal,
});

export interface CallItem {
  id: string;
  call_id: string;
  name: string;
  arguments?: string;
  input?: string;
  type?: 'function_call' | 'custom_tool_call';
}

function callItem(call: CallItem, status: string, complete: boolean): Record<string, unknown> {
  const type = call.type ?? 'function_call';
  const payload = type === 'function_call' ? { arguments: complete ? call.arguments : '' } : { input: complete ? call.input : '' };
  return { id: call.id, type, status, call_id: call.call_id, name: call.name, ...payload };
}

export const callAdded = (call: CallItem, outputIndex: number) => ({
  type: 'response.output_item.added',
  output_index: outputIndex,
  item: callItem(call, 'in_progress', false),
});
export const callDone = (call: CallItem, outputIndex: number) => ({
  type: 'response.output_item.done',
  output_index: outputIndex,
  item: callItem(call, 'completed', true),
});
export const completedCall = (call: CallItem) => callItem(call, 'completed', true);
export const argumentsDelta = (itemId: string, delta: string, outputIndex: number) => ({
  type: 'response.function_call_arguments.delta',
  item_id: itemId,
  output_index: outputIndex,
  delta,
});
// No `name`: real traffic never carries it here (REFERENCE §9.15).
export const argumentsDone = (itemId: string, argumentsText: string, outputIndex: number) => ({
  type: 'response.function_call_arguments.done',
  item_id: itemId,
  output_index: outputIndex,
  arguments: argumentsText,
});
export const customInputDelta = (itemId: string, delta: string, outputIndex: number) => ({
  type: 'response.custom_tool_call_input.delta',
  item_id: itemId,
  output_index: outputIndex,
  delta,
});
export const customInputDone = (itemId: string, input: string, outputIndex: number) => ({
  type: 'response.custom_tool_call_input.done',
  item_id: itemId,
  output_index: outputIndex,
  input,
});

export const reasoningAdded = (id: string, outputIndex = 0) => ({
  type: 'response.output_item.added',
  output_index: outputIndex,
  item: { id, type: 'reasoning', summary: [] },
});
export const summaryPartAdded = (itemId: string, summaryIndex: number) => ({
  type: 'response.reasoning_summary_part.added',
  item_id: itemId,
  output_index: 0,
  summary_index: summaryIndex,
  part: { type: 'summary_text', text: '' },
});
export const summaryDelta = (itemId: string, summaryIndex: number, delta: string) => ({
  type: 'response.reasoning_summary_text.delta',
  item_id: itemId,
  output_index: 0,
  summary_index: summaryIndex,
  delta,
});

/** Numbers events 0, 1, 2… as the current wire format does (2025-03 recordings had no numbers). */
export function numbered(events: RawUpstreamEvent[]): RawUpstreamEvent[] {
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

export interface ReducerRun {
  chunks: ChatCompletionChunk[];
  /** The first `end` returned (by a terminal event, a stop sequence, or `finish` when none came). */
  end: StepResult['end'];
  /** Index of the event that returned `end`, or -1 when `finish` produced it. */
  endedAt: number;
  unknownEvents: number;
  usage: unknown;
}

/** Steps every event (even after an end, to check they are ignored), then `finish` when nothing ended. */
export function runReducer(
  events: RawUpstreamEvent[],
  context: ChatContext = chatContext(),
  options: boolean | ResponseTranslationOptions = true,
): ReducerRun {
  const state = createStreamState(context, typeof options === 'boolean' ? { reasoningContent: options } : options);
  const chunks: ChatCompletionChunk[] = [];
  let end: StepResult['end'];
  let endedAt = -1;
  events.forEach((event, index) => {
    const result = step(state, event);
    chunks.push(...result.chunks);
    if (result.end && !end) {
      end = result.end;
      endedAt = index;
    }
  });
  if (!end) {
    const result = finish(state);
    chunks.push(...result.chunks);
    end = result.end;
  }
  return { chunks, end, endedAt, unknownEvents: state.unknownEvents, usage: state.usage };
}

export function deltasOf(chunks: ChatCompletionChunk[]): ChatDelta[] {
  return chunks.map((chunk) => chunk.choices[0]!.delta);
}

export function finishReasonsOf(chunks: ChatCompletionChunk[]): Array<string | null> {
  return chunks.map((chunk) => chunk.choices[0]!.finish_reason);
}

export function joinedContent(chunks: ChatCompletionChunk[]): string {
  return deltasOf(chunks)
    .map((delta) => delta.content ?? '')
    .join('');
}

export const ROLE_DELTA: ChatDelta = { role: 'assistant', content: '', refusal: null };
