import { describe, expect, it } from 'vitest';
import { findStop, StopScanner } from '../../src/translate/stop-sequences.js';

describe('findStop', () => {
  it.each([
    { text: 'no stop here', stops: ['END'], expected: -1 },
    { text: 'answer END rest', stops: ['END'], expected: 7 },
    { text: 'END at the start', stops: ['END'], expected: 0 },
    { text: 'one ### two END', stops: ['END', '###'], expected: 4 },
    { text: 'xabc', stops: ['ab', 'abc'], expected: 1 },
    { text: 'aab', stops: ['ab', 'abc'], expected: 1 },
    // 'bc' is complete before 'abcd' is: generation would have stopped there.
    { text: 'abcd', stops: ['abcd', 'bc'], expected: 1 },
    // Both end at the same character: the longer one wins.
    { text: 'xab', stops: ['b', 'ab'], expected: 1 },
    { text: 'abc', stops: ['', 'z'], expected: -1 },
  ])('$text with $stops -> $expected', ({ text, stops, expected }) => {
    expect(findStop(text, stops)).toBe(expected);
  });
});

describe('StopScanner', () => {
  it.each([
    {
      name: 'stop split across two deltas',
      stops: ['END'],
      deltas: ['hello E', 'ND more'],
      emitted: ['hello ', ''],
      flushed: '',
      stopped: true,
    },
    {
      name: 'stop split across three deltas',
      stops: ['<|end|>'],
      deltas: ['ab<|', 'en', 'd|>tail'],
      emitted: ['ab', '', ''],
      flushed: '',
      stopped: true,
    },
    { name: 'a near miss is released', stops: ['END'], deltas: ['hello EN', 'X'], emitted: ['hello ', 'ENX'], flushed: '', stopped: false },
    { name: 'overlapping prefixes', stops: ['ab', 'abc'], deltas: ['a', 'a', 'b'], emitted: ['', 'a', ''], flushed: '', stopped: true },
    {
      name: 'several stops',
      stops: ['\n\n', '###'],
      deltas: ['one\n', 'two##', '#three'],
      emitted: ['one', '\ntwo', ''],
      flushed: '',
      stopped: true,
    },
    { name: 'held-back text released by flush', stops: ['STOP'], deltas: ['abc ST'], emitted: ['abc '], flushed: 'ST', stopped: false },
    { name: 'nothing after the stop', stops: ['X'], deltas: ['aXb', 'more'], emitted: ['a', ''], flushed: '', stopped: true },
    { name: 'empty deltas', stops: ['END'], deltas: ['', 'E', '', 'x'], emitted: ['', '', '', 'Ex'], flushed: '', stopped: false },
  ])('$name', ({ stops, deltas, emitted, flushed, stopped }) => {
    const scanner = new StopScanner(stops);
    expect(deltas.map((delta) => scanner.push(delta))).toEqual(emitted);
    expect(scanner.flush()).toBe(flushed);
    expect(scanner.stopped).toBe(stopped);
  });

  it('never holds back more than the longest stop minus one character', () => {
    const scanner = new StopScanner(['aaab', 'ab']);
    let emitted = '';
    for (let pushed = 1; pushed <= 10; pushed++) {
      emitted += scanner.push('a');
      expect(pushed - emitted.length).toBeLessThanOrEqual(3);
    }
    expect(emitted + scanner.flush()).toBe('a'.repeat(10));
  });

  const cases = [
    { text: 'abcd', stops: ['abcd', 'bc'] },
    { text: 'aab', stops: ['ab', 'abc'] },
    { text: 'xxabxabcx', stops: ['abc', 'bx'] },
    { text: 'line one\n\nline two<|end|>tail', stops: ['<|end|>', '\n\n'] },
    { text: 'no stop in this text at all', stops: ['STOP', 'END'] },
    { text: 'héllo 👋 wörld', stops: ['👋 w'] },
    { text: 'abababc', stops: ['ababc'] },
  ];

  /** Every way to cut `text` into two or three deltas. */
  function splits(text: string): string[][] {
    const result: string[][] = [];
    for (let first = 0; first <= text.length; first++) {
      for (let second = first; second <= text.length; second++) {
        result.push([text.slice(0, first), text.slice(first, second), text.slice(second)]);
      }
    }
    return result;
  }

  it.each(cases)('streams $text with $stops to the same cut as the whole text', ({ text, stops }) => {
    const cut = findStop(text, stops);
    const expected = cut >= 0 ? text.slice(0, cut) : text;
    for (const deltas of splits(text)) {
      const scanner = new StopScanner(stops);
      const output = deltas.map((delta) => scanner.push(delta)).join('') + scanner.flush();
      expect({ deltas, output, stopped: scanner.stopped }).toEqual({ deltas, output: expected, stopped: cut >= 0 });
    }
  });
});
