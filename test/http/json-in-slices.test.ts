import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonInSlices } from '../../src/http/json-in-slices.js';
import { runAtOnce, type Steps } from '../../src/yielding.js';
import { runs } from '../reliability/fuzz-runs.js';

/** Every body scanned and, where it can be, cut every 1 to 3 messages. */
const slicing = (messagesPerSlice: number) => ({ fromLength: 0, messagesPerSlice });

/** What parsing gives: the value as JSON text (key order and own `__proto__` keys included), or "throws". */
function outcome(parse: () => unknown): string {
  try {
    return JSON.stringify(parse());
  } catch {
    return 'throws';
  }
}

function pauses(steps: Steps<unknown>): number {
  let count = 0;
  while (!steps.next().done) count++;
  return count;
}

const sliced = (text: string, perSlice = 2) => () => runAtOnce(parseJsonInSlices(Buffer.from(text), slicing(perSlice)));
const whole = (text: string) => () => JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

describe('JSON.parse in slices', () => {
  it.each([
    ['a long message list', '{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":"c"},{"role":"user","content":"d"},{"role":"user","content":"e"}]}'],
    ['messages that are not last, with whitespace everywhere', ' \n{ "messages" : [ 1 , [2,3] , {"a":[4]} , "x,]" , null ] , "model" : "m" } \t'],
    ['strings with quotes, backslashes, brackets and commas', '{"messages":["a\\"]","b\\\\","c\\\\\\"}{,","[", "\\u005d"],"x":"\\\\"}'],
    ['an escaped key spelling messages', '{"\\u006dessages":[1,2,3,4,5]}'],
    ['two messages keys, the last an array', '{"messages":[1,2,3,4],"messages":[5,6,7,8]}'],
    ['two messages keys, the last not an array', '{"messages":[1,2,3,4],"messages":"x"}'],
    ['an escaped second messages key', '{"messages":[1,2,3,4],"\\u006dessages":{}}'],
    ['an empty element', '{"messages":[1,2,,3,4]}'],
    ['a trailing comma', '{"messages":[1,2,3,4,]}'],
    ['a leading comma', '{"messages":[,1,2,3,4]}'],
    ['a brace closing the list', '{"messages":[1,2,3,4}}'],
    ['mismatched brackets inside an element', '{"messages":[[1},2,3,4]}'],
    ['a string that does not end', '{"messages":[1,2,3,"4]}'],
    ['text after the body', '{"messages":[1,2,3,4]} x'],
    ['a second body', '{"messages":[1,2,3,4]}{}'],
    ['a byte order mark', '\ufeff{"messages":[1,2,3,4]}'],
    ['an own __proto__ key in a message', '{"messages":[{"__proto__":{"x":1}},2,3,4]}'],
    ['non-ASCII text and a lone surrogate escape', '{"messages":["é","😀","\\ud800","日本",5]}'],
    ['messages that are an object', '{"messages":{"a":[1,2,3,4]}}'],
    ['a list at the top', '[{"messages":[1,2,3,4]}]'],
    ['nested messages keys', '{"a":{"messages":[1,2,3,4]},"messages":[5,6,7,8]}'],
  ])('%s: what JSON.parse gives, or refuses', (_name, text) => {
    for (const perSlice of [1, 2, 3]) expect(outcome(sliced(text, perSlice))).toBe(outcome(whole(text)));
  });

  it('pauses between slices of a long list, and not at all for a short body', () => {
    const messages = Array.from({ length: 10_000 }, (_, index) => ({ role: 'user', content: `m${index}` }));
    const text = JSON.stringify({ model: 'm', messages });
    expect(pauses(parseJsonInSlices(Buffer.from(text), { fromLength: 0, messagesPerSlice: 1000 }))).toBeGreaterThanOrEqual(9);
    expect(pauses(parseJsonInSlices(Buffer.from(text)))).toBe(0);
  });

  /** JSON bodies with a `messages` list somewhere among other keys, written compactly or indented. */
  const body = fc
    .record({
      messages: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 }),
      before: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      after: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      indent: fc.constantFrom(undefined, 1, '\t'),
    })
    .map(({ messages, before, after, indent }) => {
      const entries = [...Object.entries(before), ['messages', messages], ...Object.entries(after)];
      // Written by hand, so `__proto__` keys and a repeated `messages` key stay in the text.
      const separator = indent === undefined ? '' : '\n ';
      return `{${entries.map(([key, value]) => `${separator}${JSON.stringify(key)}:${JSON.stringify(value, null, indent)}`).join(',')}}`;
    });

  it('gives what JSON.parse gives for any body (property)', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 4 }), (text, perSlice) => {
        expect(outcome(sliced(text, perSlice))).toBe(outcome(whole(text)));
      }),
      { numRuns: runs(1500) },
    );
  });

  it('refuses what JSON.parse refuses, whatever the damage (property)', () => {
    const damage = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 3 }),
      insert: fc.constantFrom('', ',', '[', ']', '{', '}', '"', '\\', ':', ' ', ',,', '"messages":[1,2],', 'x'),
    });
    fc.assert(
      fc.property(body, fc.array(damage, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), (text, damages, perSlice) => {
        let damaged = text;
        for (const { at, cut, insert } of damages) {
          const position = at % (damaged.length + 1);
          damaged = damaged.slice(0, position) + insert + damaged.slice(position + cut);
        }
        expect(outcome(sliced(damaged, perSlice))).toBe(outcome(whole(damaged)));
      }),
      { numRuns: runs(3000) },
    );
  });
});
