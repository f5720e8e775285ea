import type { ChatTokenLogprob } from '../types/chat.js';
import type { UpstreamLogprob } from '../types/responses-upstream.js';

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

/** A token logprob and where its token ends in the choice's content. */
export interface PlacedLogprob {
  end: number;
  logprob: ChatTokenLogprob;
}

/**
 * The Chat logprobs of one text part whose text starts at `offset` in the content; the positions
 * let a stop-sequence cut keep exactly the tokens that lie before it.
 */
export function placeLogprobs(entries: UpstreamLogprob[], offset: number): PlacedLogprob[] {
  let end = offset;
  return entries.map((entry) => {
    const logprob = toChatLogprob(entry);
    end += logprob.token.length;
    return { end, logprob };
  });
}
