import type { ChatChunkChoice, ChatCompletionChunk } from '../types/chat.js';

/**
 * Chunks to SSE frames, the bytes `data: ${JSON.stringify(chunk)}\n\n` would give, without
 * serialising what every chunk of a stream repeats: the envelope (id, object, created, model,
 * service tier) is written once per stream and reused while it stays the same; only each choice's
 * delta and logprobs are escaped.
 */
export class ChunkEncoder {
  private id: string | undefined;
  private created = 0;
  private model = '';
  private tier: string | null | undefined;
  private prefix = '';

  encode(chunk: ChatCompletionChunk): string {
    if (!hasEnvelopeShape(chunk)) return `data: ${JSON.stringify(chunk)}\n\n`;
    if (chunk.id !== this.id || chunk.created !== this.created || chunk.model !== this.model || chunk.service_tier !== this.tier) {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
      this.tier = chunk.service_tier;
      const tier = chunk.service_tier === undefined ? '' : `,"service_tier":${JSON.stringify(chunk.service_tier)}`;
      this.prefix = `data: {"id":${JSON.stringify(chunk.id)},"object":"chat.completion.chunk","created":${JSON.stringify(chunk.created)},"model":${JSON.stringify(chunk.model)}${tier},"choices":[`;
    }
    let frame = this.prefix;
    for (let index = 0; index < chunk.choices.length; index++) {
      if (index > 0) frame += ',';
      frame += encodeChoice(chunk.choices[index]!);
    }
    frame += ']';
    if ('usage' in chunk && chunk.usage !== undefined) frame += `,"usage":${JSON.stringify(chunk.usage)}`;
    return `${frame}}\n\n`;
  }
}

/** The keys `stream-state.ts` and `merge-choices.ts` build, in their order; anything else is serialised whole. */
const ENVELOPE_KEYS = ['id', 'object', 'created', 'model', 'service_tier', 'choices', 'usage'];

function hasEnvelopeShape(chunk: ChatCompletionChunk): boolean {
  let position = 0;
  for (const key in chunk) {
    while (position < ENVELOPE_KEYS.length && ENVELOPE_KEYS[position] !== key) position++;
    if (position === ENVELOPE_KEYS.length) return false;
  }
  return (
    chunk.object === 'chat.completion.chunk' &&
    typeof chunk.id === 'string' &&
    typeof chunk.model === 'string' &&
    Number.isFinite(chunk.created) &&
    Array.isArray(chunk.choices)
  );
}

function encodeChoice(choice: ChatChunkChoice): string {
  const keys = Object.keys(choice);
  // The reducer's shape: index, delta, logprobs, finish_reason.
  const usual = keys.length === 4 && keys[0] === 'index' && keys[1] === 'delta' && keys[2] === 'logprobs' && keys[3] === 'finish_reason';
  if (!usual || choice.delta === undefined || choice.logprobs === undefined || !Number.isFinite(choice.index)) {
    return JSON.stringify(choice);
  }
  const finish = choice.finish_reason === null ? 'null' : JSON.stringify(choice.finish_reason);
  const logprobs = choice.logprobs === null ? 'null' : JSON.stringify(choice.logprobs);
  return `{"index":${JSON.stringify(choice.index)},"delta":${JSON.stringify(choice.delta)},"logprobs":${logprobs},"finish_reason":${finish}}`;
}
