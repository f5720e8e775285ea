import { describe, expect, it } from 'vitest';
import { sumChatUsage, toChatUsage } from '../../src/translate/usage.js';
import { chatUsage } from '../helpers/usage-objects.js';

describe('toChatUsage', () => {
  it.each([
    {
      name: '2026 usage with cache writes and reasoning',
      upstream: {
        input_tokens: 63,
        input_tokens_details: { cache_write_tokens: 12, cached_tokens: 40 },
        output_tokens: 69,
        output_tokens_details: { reasoning_tokens: 26 },
        total_tokens: 132,
      },
      expected: chatUsage(63, 69, { cached: 40, cacheWrite: 12, reasoning: 26 }),
    },
    {
      name: 'cache_write_tokens of zero is kept',
      upstream: {
        input_tokens: 5,
        input_tokens_details: { cache_write_tokens: 0, cached_tokens: 0 },
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 8,
      },
      expected: chatUsage(5, 3, { cacheWrite: 0 }),
    },
    {
      name: 'older usage without cache_write_tokens',
      upstream: {
        input_tokens: 14,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 20,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 34,
      },
      expected: chatUsage(14, 20),
    },
    {
      name: 'missing details',
      upstream: { input_tokens: 7, input_tokens_details: null, output_tokens: 2, total_tokens: 9 },
      expected: chatUsage(7, 2),
    },
    { name: 'missing total', upstream: { input_tokens: 7, output_tokens: 2 }, expected: chatUsage(7, 2) },
    { name: 'no usage at all', upstream: null, expected: chatUsage(0, 0) },
  ])('$name', ({ upstream, expected }) => {
    expect(toChatUsage(upstream)).toStrictEqual(expected);
  });

  it('reports total_tokens as the upstream says, even when it is not the sum', () => {
    expect(toChatUsage({ input_tokens: 10, output_tokens: 5, total_tokens: 16 }).total_tokens).toBe(16);
  });
});

describe('sumChatUsage', () => {
  it('adds every field of the choices', () => {
    const first = chatUsage(10, 4, { cached: 8, cacheWrite: 2, reasoning: 3 });
    first.completion_tokens_details.accepted_prediction_tokens = 1;
    const second = chatUsage(10, 6, { cached: 8, reasoning: 5 });
    second.prompt_tokens_details.audio_tokens = 4;
    second.completion_tokens_details.audio_tokens = 7;
    second.completion_tokens_details.rejected_prediction_tokens = 2;

    expect(sumChatUsage([first, second])).toStrictEqual({
      prompt_tokens: 20,
      completion_tokens: 10,
      total_tokens: 30,
      prompt_tokens_details: { cached_tokens: 16, audio_tokens: 4, cache_write_tokens: 2 },
      completion_tokens_details: {
        reasoning_tokens: 8,
        audio_tokens: 7,
        accepted_prediction_tokens: 1,
        rejected_prediction_tokens: 2,
      },
    });
  });

  it('leaves cache_write_tokens out when no choice reported it', () => {
    expect(sumChatUsage([chatUsage(3, 1), chatUsage(4, 2)])).toStrictEqual(chatUsage(7, 3));
  });
});
