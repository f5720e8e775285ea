import type { ChatUsage } from '../types/chat.js';
import type { UpstreamUsage } from '../types/responses-upstream.js';
import { numberOr } from './lenient.js';

/**
 * Responses usage to Chat usage. Every detail key is sent, zero-filled, as real Chat replies do.
 * A count that is not a number counts as 0, so sums across choices stay numbers.
 */
export function toChatUsage(usage: UpstreamUsage | null | undefined): ChatUsage {
  const input = numberOr(usage?.input_tokens, 0);
  const output = numberOr(usage?.output_tokens, 0);
  const chat: ChatUsage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: numberOr(usage?.total_tokens, input + output),
    prompt_tokens_details: {
      cached_tokens: numberOr(usage?.input_tokens_details?.cached_tokens, 0),
      audio_tokens: 0,
    },
    completion_tokens_details: {
      reasoning_tokens: numberOr(usage?.output_tokens_details?.reasoning_tokens, 0),
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const cacheWrite = numberOr(usage?.input_tokens_details?.cache_write_tokens, undefined);
  if (cacheWrite !== undefined) chat.prompt_tokens_details.cache_write_tokens = cacheWrite;
  return chat;
}

/** Usage of several upstream calls serving one request (`n` > 1), added up field by field. */
export function sumChatUsage(usages: ChatUsage[]): ChatUsage {
  const total = toChatUsage(undefined);
  for (const usage of usages) {
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
    const prompt = usage.prompt_tokens_details;
    total.prompt_tokens_details.cached_tokens += prompt.cached_tokens;
    total.prompt_tokens_details.audio_tokens += prompt.audio_tokens;
    if (prompt.cache_write_tokens != null) {
      total.prompt_tokens_details.cache_write_tokens =
        (total.prompt_tokens_details.cache_write_tokens ?? 0) + prompt.cache_write_tokens;
    }
    const completion = usage.completion_tokens_details;
    total.completion_tokens_details.reasoning_tokens += completion.reasoning_tokens;
    total.completion_tokens_details.audio_tokens += completion.audio_tokens;
    total.completion_tokens_details.accepted_prediction_tokens += completion.accepted_prediction_tokens;
    total.completion_tokens_details.rejected_prediction_tokens += completion.rejected_prediction_tokens;
  }
  return total;
}
