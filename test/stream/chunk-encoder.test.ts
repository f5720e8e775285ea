import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkEncoder } from '../../src/stream/chunk-encoder.js';
import type { ChatCompletionChunk } from '../../src/types/chat.js';

const text = fc.string({ unit: 'binary' });
const delta = fc.oneof(
  fc.record({ role: fc.constant('assistant' as const), content: fc.constant(''), refusal: fc.constant(null) }),
  fc.record({ content: text }),
  fc.record({ refusal: text }),
  fc.record({ reasoning_content: text }),
  fc.record({ tool_calls: fc.array(fc.record({ index: fc.nat(), function: fc.record({ arguments: text }) }, { requiredKeys: ['index'] }), { maxLength: 2 }) }),
  fc.constant({}),
);
const choice = fc.record({
  index: fc.nat(8),
  delta,
  logprobs: fc.oneof(fc.constant(null), fc.record({ content: fc.array(fc.record({ token: text, logprob: fc.double({ noNaN: true, noDefaultInfinity: true }), bytes: fc.constant(null), top_logprobs: fc.constant([]) }), { maxLength: 2 }), refusal: fc.constant(null) })),
  finish_reason: fc.constantFrom(null, 'stop', 'length', 'tool_calls'),
});
const chunk = fc.record(
  {
    id: fc.oneof(fc.constant('chatcmpl-1'), fc.constant('chatcmpl-2'), text),
    object: fc.constant('chat.completion.chunk' as const),
    created: fc.oneof(fc.constant(1_700_000_000), fc.integer()),
    model: fc.oneof(fc.constant('gpt-test'), text),
    service_tier: fc.constantFrom(null, 'auto', 'default', undefined),
    choices: fc.array(choice, { maxLength: 3 }),
    usage: fc.constantFrom(null, undefined, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }),
  },
  { requiredKeys: ['id', 'object', 'created', 'model', 'choices'] },
) as fc.Arbitrary<ChatCompletionChunk>;

describe('ChunkEncoder', () => {
  it('writes exactly what JSON.stringify would, chunk after chunk of one stream', () => {
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 6 }), (chunks) => {
        const encoder = new ChunkEncoder();
        for (const one of chunks) expect(encoder.encode(one)).toBe(`data: ${JSON.stringify(one)}\n\n`);
      }),
      { numRuns: 500 },
    );
  });

});
