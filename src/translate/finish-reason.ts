import type { FinishReason } from '../types/chat.js';

/**
 * The Chat finish_reason for a finished upstream response. `failed` is not a finish: callers turn
 * it into an error before asking.
 */
export function toFinishReason(
  status: string | undefined,
  incompleteReason: string | null | undefined,
  hadToolCalls: boolean,
  legacyFunctions: boolean,
): FinishReason {
  if (status === 'incomplete') {
    if (incompleteReason === 'max_output_tokens') return 'length';
    if (incompleteReason === 'content_filter') return 'content_filter';
  }
  if (hadToolCalls) return legacyFunctions ? 'function_call' : 'tool_calls';
  return 'stop';
}
