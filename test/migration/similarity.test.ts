import { describe, expect, it } from 'vitest';
import { textSimilarity, textsEqual, wordTokens } from '../../src/migration/similarity.js';

describe('wordTokens', () => {
  it.each([
    ['Hello, World!', ['hello', 'world']],
    ['我喜欢猫', ['我', '喜欢', '猫']],
    ['東京は日本の首都です。', ['東京', 'は', '日本', 'の', '首都', 'です']],
    ['สวัสดีครับ', ['สวัสดี', 'ครับ']],
    // A ZWJ family and a skin-toned thumbs-up are one token each.
    ['👨‍👩‍👧 great 👍🏽!', ['👨‍👩‍👧', 'great', '👍🏽']],
    ['```json', ['json']],
    ['ＡＢＣ １２３', ['abc', '123']],
  ])('%s', (text, tokens) => {
    expect(wordTokens(text)).toEqual(tokens);
  });
});

describe('textSimilarity', () => {
  it('is 1 for the same words in another order or case, and for two empty texts', () => {
    expect(textSimilarity('Paris is the capital of France.', 'the capital of France is PARIS')).toBe(1);
    expect(textSimilarity('', '')).toBe(1);
  });

  it('is 0 for nothing in common or one empty side', () => {
    expect(textSimilarity('red apples', 'blue sky')).toBe(0);
    expect(textSimilarity('something', '')).toBe(0);
  });

  it('counts repeated words (a multiset, not a set)', () => {
    expect(textSimilarity('yes yes yes no', 'yes no')).toBe(0.5);
  });

  it('works on Chinese and Japanese, which write no spaces', () => {
    // Split on spaces each text is one token and the two would share nothing.
    expect(textSimilarity('我喜欢猫', '我喜欢狗')).toBe(0.5);
    expect(textSimilarity('東京は日本の首都です', '東京は日本の首都です。')).toBe(1);
    const japanese = textSimilarity('今日は晴れです', '今日は雨です');
    expect(japanese).toBeGreaterThan(0.3);
    expect(japanese).toBeLessThan(1);
  });

  it('treats combining marks as the precomposed letter', () => {
    const composed = 'Café crème';
    const decomposed = 'Cafe\u0301 cre\u0300me';
    expect(composed).not.toBe(decomposed);
    expect(textsEqual(composed, decomposed)).toBe(true);
    expect(textSimilarity(composed, decomposed)).toBe(1);
    expect(textSimilarity('café', 'cafe')).toBe(0);
  });

  it('keeps emoji as tokens, whole grapheme clusters', () => {
    expect(textSimilarity('👍🏽', '👍🏽')).toBe(1);
    expect(textSimilarity('👍🏽', '👍🏿')).toBe(0);
    expect(textSimilarity('👨‍👩‍👧', '👨')).toBe(0);
    expect(textSimilarity('great 🎉', 'great')).toBe(0.5);
  });

  it('compares punctuation-only texts by their characters', () => {
    expect(textSimilarity('...', '...')).toBe(1);
    expect(textSimilarity('?!', '!!')).toBeCloseTo(1 / 3);
  });
});

describe('textsEqual', () => {
  it('is exact apart from canonical normalisation', () => {
    expect(textsEqual('a', 'a')).toBe(true);
    expect(textsEqual('a', 'a ')).toBe(false);
    expect(textsEqual('Ａ', 'A')).toBe(false);
  });
});
