import type { ChatTokenLogprob } from '../types/chat.js';
import type { UpstreamLogprob } from '../types/responses.js';

/** One Responses token logprob to the Chat shape (`bytes` is on the wire even where types omit it). */
export function toChatLogprob(entry: UpstreamLogprob): ChatTokenLogprob {
  return {
    token: entry.token ?? '',
    logprob: entry.logprob ?? 0,
    bytes: entry.bytes ?? null,
    top_logprobs: (entry.top_logprobs ?? []).map((top) => ({
      token: top.token ?? '',
      logprob: top.logprob ?? 0,
      bytes: top.bytes ?? null,
    })),
  };
}

/**
 * Keeps the tokens that fit in the first `length` characters of their text: what remains of the
 * logprobs once the text is cut at a stop sequence.
 */
export function logprobsWithin(logprobs: ChatTokenLogprob[], length: number): ChatTokenLogprob[] {
  const kept: ChatTokenLogprob[] = [];
  let consumed = 0;
  for (const entry of logprobs) {
    if (consumed >= length) break;
    kept.push(entry);
    consumed += entry.token.length;
  }
  return kept;
}
