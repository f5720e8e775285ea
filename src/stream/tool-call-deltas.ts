/**
 * Tool call deltas of one choice. Calls get Chat indexes 0, 1, 2… in order of appearance (never
 * `output_index`, which counts messages and reasoning items too); the first delta of a call carries
 * id (`call_id`, never the item id), type and name, later ones only argument fragments.
 */
import type { ChatCompletionChunk } from '../types/chat.js';
import type { UpstreamOutputItem } from '../types/responses-upstream.js';
import { emit, type StreamState, type ToolCallState } from './stream-state.js';

export function isToolCallItem(item: UpstreamOutputItem): boolean {
  return item.type === 'function_call' || item.type === 'custom_tool_call';
}

/** `output_item.added`, or `output_item.done` / the final output for a call never announced. */
export function onToolCallItem(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  if (!item.id) return;
  if (!state.toolCalls.has(item.id)) startToolCall(state, item.id, item, out);
  // Arguments may come whole, in the item, with no deltas at all (relays, `output_item.done`).
  const full = item.type === 'custom_tool_call' ? item.input : item.arguments;
  if (full) onToolInputDone(state, item.id, full, out);
}

export function onToolInput(state: StreamState, itemId: unknown, fragment: string, out: ChatCompletionChunk[]): void {
  const call = state.toolCalls.get(String(itemId));
  if (!call || fragment === '') return;
  call.streamed = true;
  if (state.context.legacyFunctions) {
    if (state.legacyCallItemId === itemId) emit(state, out, { function_call: { arguments: fragment } });
    return;
  }
  emit(state, out, {
    tool_calls: [
      call.kind === 'function'
        ? { index: call.index, function: { arguments: fragment } }
        : { index: call.index, custom: { input: fragment } },
    ],
  });
}

/** The complete arguments: sent only when no fragment was, so they are never duplicated. */
export function onToolInputDone(state: StreamState, itemId: unknown, full: unknown, out: ChatCompletionChunk[]): void {
  const call = state.toolCalls.get(String(itemId));
  if (call && !call.streamed && typeof full === 'string') onToolInput(state, itemId, full, out);
}

function startToolCall(state: StreamState, itemId: string, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  const kind = item.type === 'custom_tool_call' ? 'custom' : 'function';
  const call: ToolCallState = { index: state.nextToolIndex++, kind, streamed: false };
  state.toolCalls.set(itemId, call);
  const id = item.call_id ?? itemId;
  const name = item.name ?? '';
  if (state.context.legacyFunctions) {
    // The legacy API has one function call per answer and no custom tools.
    if (state.legacyCallItemId !== undefined || kind !== 'function') return;
    state.legacyCallItemId = itemId;
    emit(state, out, { function_call: { name, arguments: '' } });
    return;
  }
  emit(state, out, {
    tool_calls: [
      kind === 'function'
        ? { index: call.index, id, type: 'function', function: { name, arguments: '' } }
        : { index: call.index, id, type: 'custom', custom: { name, input: '' } },
    ],
  });
}
