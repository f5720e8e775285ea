import type { ChatChunkChoice, ChatCompletionChunk, ChatDelta } from '../types/chat.js';

/**
 * Chunks to SSE frames, the bytes `data: ${JSON.stringify(chunk)}\n\n` would give, without
 * serialising what every chunk of a stream repeats: the envelope (id, object, created, model,
 * service tier) is written once per stream and reused while it stays the same; only each choice's
 * delta and logprobs are escaped. It takes the chunks this project builds (`stream-state.ts`
 * `chunk()`, `merge-choices.ts` `usageChunk()`): their keys, in their order.
 */
export class ChunkEncoder {
  private id: string | undefined;
  private created = 0;
  private model = '';
  private tier: string | null | undefined;
  private prefix = '';

  encode(chunk: ChatCompletionChunk): string {
    if (chunk.id !== this.id || chunk.created !== this.created || chunk.model !== this.model || chunk.service_tier !== this.tier) {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
      this.tier = chunk.service_tier;
      const tier = chunk.service_tier === undefined ? '' : `,"service_tier":${JSON.stringify(chunk.service_tier)}`;
      this.prefix = `data: {"id":${JSON.stringify(chunk.id)},"object":"chat.completion.chunk","created":${JSON.stringify(chunk.created)},"model":${JSON.stringify(chunk.model)}${tier},"choices":[`;
    }
    const { choices } = chunk;
    let frame = this.prefix;
    for (let index = 0; index < choices.length; index++) {
      if (index > 0) frame += ',';
      frame += encodeChoice(choices[index]!);
    }
    frame += chunk.usage === undefined ? ']' : `],"usage":${JSON.stringify(chunk.usage)}`;
    return `${frame}}\n\n`;
  }
}

function encodeChoice(choice: ChatChunkChoice): string {
  const finish = choice.finish_reason === null ? 'null' : JSON.stringify(choice.finish_reason);
  const logprobs = choice.logprobs == null ? 'null' : JSON.stringify(choice.logprobs);
  return `{"index":${choice.index},"delta":${encodeDelta(choice.delta)},"logprobs":${logprobs},"finish_reason":${finish}}`;
}

/** Most deltas are one piece of text: escaping the string alone is about twice as fast. */
function encodeDelta(delta: ChatDelta): string {
  const { content } = delta;
  if (typeof content === 'string') {
    let keys = 0;
    for (const _key in delta) keys++;
    if (keys === 1) return `{"content":${JSON.stringify(content)}}`;
  }
  return JSON.stringify(delta);
}
