/**
 * Usage objects as each API sends them, built from their token counts so tests state only the
 * numbers that matter. Totals are input plus output, as in real traffic.
 */
import type { ChatUsage } from '../../src/types/chat.js';

export interface UsageDetails {
  cached?: number;
  /** Chat only: `prompt_tokens_details.cache_write_tokens`, present only when given. */
  cacheWrite?: number;
  reasoning?: number;
}

/** Usage as the Responses API sends it, every detail present (the fake upstream's builder). */
export { responsesUsage } from '../../tools/fake-upstream/wire-objects.js';

/** Usage as real Chat replies send it: every detail key present, zero-filled. */
export function chatUsage(prompt: number, completion: number, details: UsageDetails = {}): ChatUsage {
  const usage: ChatUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: details.cached ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: details.reasoning ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  if (details.cacheWrite !== undefined) usage.prompt_tokens_details.cache_write_tokens = details.cacheWrite;
  return usage;
}
