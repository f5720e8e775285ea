/**
 * How alike two answers' texts are, from 0 (nothing in common) to 1 (the same words).
 *
 * The measure is the weighted (multiset) Jaccard index of the two texts' word tokens:
 * sum of min(count) over sum of max(count). Why this one:
 * - Two runs of a model rephrase and reorder freely, so an order-sensitive edit distance calls two
 *   answers that say the same thing in a different order very different. A bag of words does not.
 * - It is linear in the text length; a Levenshtein distance over long answers is quadratic.
 * - Splitting on spaces fails for Chinese, Japanese and Thai, which write words without them.
 *   `Intl.Segmenter` with word granularity uses ICU's dictionaries for those scripts
 *   ("我喜欢猫" -> 我 / 喜欢 / 猫), so the same rule works for every language.
 * - Text is NFKC-normalised and lower-cased first, so canonically equal text (a precomposed "é" and
 *   "e" + U+0301, full-width and ASCII digits) counts as the same token. Punctuation and spaces are
 *   not tokens. Emoji are not "word-like" to the segmenter; they are kept as whole grapheme
 *   clusters (a ZWJ family or a skin-toned thumbs-up is one token).
 */

const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Letters, marks, numbers, and "other" symbols (emoji, °, ©) or currency signs: what a non-word
 * grapheme must be to count. Maths and modifier symbols (+, =, `, ^) are syntax, like punctuation:
 * a Markdown code fence should not make two answers differ.
 */
const meaningful = /[\p{L}\p{M}\p{N}\p{So}\p{Sc}]/u;

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The word tokens of a text, in order (exported for tests). */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const { segment, isWordLike } of wordSegmenter.segment(normalise(text))) {
    if (isWordLike) {
      tokens.push(segment);
      continue;
    }
    for (const { segment: grapheme } of graphemeSegmenter.segment(segment)) {
      if (meaningful.test(grapheme)) tokens.push(grapheme);
    }
  }
  return tokens;
}

function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(normalise(text)), ({ segment }) => segment).filter((grapheme) => grapheme.trim() !== '');
}

function counts(tokens: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const token of tokens) map.set(token, (map.get(token) ?? 0) + 1);
  return map;
}

function weightedJaccard(left: string[], right: string[]): number {
  if (left.length === 0 && right.length === 0) return 1;
  const leftCounts = counts(left);
  const rightCounts = counts(right);
  let shared = 0;
  let union = 0;
  for (const token of new Set([...leftCounts.keys(), ...rightCounts.keys()])) {
    const inLeft = leftCounts.get(token) ?? 0;
    const inRight = rightCounts.get(token) ?? 0;
    shared += Math.min(inLeft, inRight);
    union += Math.max(inLeft, inRight);
  }
  return shared / union;
}

/** Similarity of two texts, 0 to 1 (see the top of this file). */
export function textSimilarity(left: string, right: string): number {
  const leftTokens = wordTokens(left);
  const rightTokens = wordTokens(right);
  // Texts of punctuation only ("..." vs "?!") have no words: compare their characters instead.
  if (leftTokens.length === 0 && rightTokens.length === 0) return weightedJaccard(graphemes(left), graphemes(right));
  return weightedJaccard(leftTokens, rightTokens);
}

/** Equal as a reader sees them: the same text after canonical (NFC) normalisation. */
export function textsEqual(left: string, right: string): boolean {
  return left.normalize('NFC') === right.normalize('NFC');
}
