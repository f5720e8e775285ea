/** The one stream a Chat client sees when `n` choices are served by `n` upstream streams. Pure. */
import { sumChatUsage, toChatUsage } from '../translate/usage.js';
import type { ChatCompletionChunk, ServiceTier } from '../types/chat.js';
import type { UpstreamUsage } from '../types/responses-upstream.js';

export type Envelope = Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> & { service_tier?: ServiceTier | null };

/**
 * One id, created, model and service tier for the whole stream, whichever choice spoke first: the
 * first chunk sent names the envelope, and every later chunk is stamped with it.
 */
export class ChoiceMerger {
  private current: Envelope | undefined;

  constructor(private readonly choices: number) {}

  get envelope(): Envelope | undefined {
    return this.current;
  }

  stamp(chunk: ChatCompletionChunk): ChatCompletionChunk {
    if (this.current === undefined) {
      this.current = { id: chunk.id, created: chunk.created, model: chunk.model, service_tier: chunk.service_tier };
    } else if (this.choices > 1) {
      chunk.id = this.current.id;
      chunk.created = this.current.created;
      chunk.model = this.current.model;
      chunk.service_tier = this.current.service_tier;
    }
    return chunk;
  }
}

/** `stream_options.include_usage`: the final `choices: []` chunk, with the usage of every choice added up. */
export function usageChunk(envelope: Envelope, serviceTier: string | null, usages: readonly UpstreamUsage[]): ChatCompletionChunk {
  return {
    id: envelope.id,
    object: 'chat.completion.chunk',
    created: envelope.created,
    model: envelope.model,
    service_tier: envelope.service_tier !== undefined ? envelope.service_tier : (serviceTier as ServiceTier | null),
    choices: [],
    usage: sumChatUsage(usages.map((usage) => toChatUsage(usage))),
  };
}
