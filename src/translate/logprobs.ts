import type { ChatTokenLogprob } from '../types/chat.js';
import type { UpstreamLogprob } from '../types/responses-upstream.js';
import { numberOr, objectsIn, stringOr } from './lenient.js';

type TopLogprob = NonNullable<UpstreamLogprob['top_logprobs']>[number];

/**
 * One Responses token logprob to the Chat shape (`bytes` is on the wire even where types omit it).
 * Read leniently: `top_logprobs: [null]` and a token that is not a string have been seen from relays.
 */
export function toChatLogprob(entry: UpstreamLogprob): ChatTokenLogprob {
  return {
    token: stringOr(entry.token, ''),
    logprob: numberOr(entry.logprob, 0),
    bytes: Array.isArray(entry.bytes) ? entry.bytes : null,
    top_logprobs: objectsIn<TopLogprob>(entry.top_logprobs).map((top) => ({
      token: stringOr(top.token, ''),
      logprob: numberOr(top.logprob, 0),
      bytes: Array.isArray(top.bytes) ? top.bytes : null,
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
