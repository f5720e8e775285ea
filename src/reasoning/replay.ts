import type { InputItem, ReasoningInputItem } from '../types/responses.js';
import type { UpstreamOutputItem } from '../types/responses-upstream.js';

/**
 * Reasoning continuity. A Chat client cannot send a reasoning model's reasoning items back, so the
 * model would lose its chain of thought between tool calls. The adapter remembers the encrypted
 * reasoning items of each answer under the id of the tool call they led to, and puts them back when
 * the client returns that tool call. Pure: the storage lives elsewhere.
 *
 * Replay rules seen in real traffic: a replayed reasoning item must not carry `status` (the API
 * answers "Unknown parameter: 'input[N].status'"), keeps `summary` (an empty array is fine), and must
 * be followed directly by the item it preceded (a message or a function call).
 */

export interface RememberedReasoning {
  /** The model that wrote the items; another model cannot read them. */
  model: string;
  items: ReasoningInputItem[];
  /** What directly followed the items: the assistant text of that turn, or the tool call itself. */
  before: 'message' | 'call';
}

/** About the bytes a remembered group takes in a store. */
export function sizeOfReasoning(value: RememberedReasoning): number {
  let bytes = value.model.length + 64;
  for (const item of value.items) bytes += item.id.length + (item.encrypted_content?.length ?? 0) + JSON.stringify(item.summary).length;
  return bytes;
}

/**
 * The reasoning items of a finished output, keyed by the `call_id` of the first tool call that
 * followed them. Items without `encrypted_content` cannot be replayed statelessly and are skipped;
 * reasoning that led only to a final answer is not kept (no later request can point at it).
 */
export function reasoningByCallId(output: readonly UpstreamOutputItem[], model: string): Map<string, RememberedReasoning> {
  const remembered = new Map<string, RememberedReasoning>();
  let pending: ReasoningInputItem[] = [];
  let messageSincePending = false;
  for (const item of output) {
    if (item.type === 'reasoning' && typeof item.id === 'string' && typeof item.encrypted_content === 'string') {
      if (messageSincePending) {
        pending = [];
        messageSincePending = false;
      }
      pending.push({
        type: 'reasoning',
        id: item.id,
        summary: Array.isArray(item.summary) ? item.summary : [],
        encrypted_content: item.encrypted_content,
      });
    } else if (item.type === 'message') {
      if (pending.length > 0) messageSincePending = true;
    } else if ((item.type === 'function_call' || item.type === 'custom_tool_call') && typeof item.call_id === 'string') {
      if (pending.length > 0) {
        remembered.set(item.call_id, { model, items: pending, before: messageSincePending ? 'message' : 'call' });
      }
      pending = [];
      messageSincePending = false;
    }
  }
  return remembered;
}

/**
 * Puts remembered reasoning back into a translated input, each group right before the item it
 * preceded. Returns the input unchanged when nothing applies. `recall` answers for one call id.
 */
export function withReplayedReasoning(
  input: readonly InputItem[],
  model: string,
  recall: (callId: string) => RememberedReasoning | undefined,
): { input: InputItem[]; replayed: number } {
  const out: InputItem[] = [];
  let replayed = 0;
  for (const item of input) {
    if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      const memory = recall(item.call_id);
      if (memory && memory.model === model) {
        const previous = out.at(-1);
        const atMessage = memory.before === 'message' && previous?.type === 'message' && previous.role === 'assistant';
        out.splice(atMessage ? out.length - 1 : out.length, 0, ...memory.items);
        replayed += memory.items.length;
      }
    }
    out.push(item);
  }
  return { input: replayed > 0 ? out : [...input], replayed };
}
