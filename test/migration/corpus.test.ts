import { describe, expect, it } from 'vitest';
import { parseCorpus } from '../../src/migration/corpus.js';

describe('parseCorpus', () => {
  it('reads plain Chat bodies and capture records, skipping blank lines and naming the bad ones', () => {
    const plain = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const text = [
      JSON.stringify(plain),
      '',
      JSON.stringify({ id: 'cap_7', time: '2026-01-01T00:00:00Z', request: plain }),
      '{not json',
      JSON.stringify({ id: 3, request: plain }),
      JSON.stringify({ model: 'm' }),
      JSON.stringify([1]),
    ].join('\r\n');
    const corpus = parseCorpus(`\uFEFF${text}\n`);
    expect(corpus.entries.map(({ id, line }) => [id, line])).toEqual([
      ['line 1', 1],
      ['cap_7', 3],
      ['3', 5],
    ]);
    expect(corpus.entries[1]?.request).toEqual(plain);
    expect(corpus.skipped).toEqual([
      { line: 4, reason: 'not valid JSON' },
      { line: 6, reason: 'neither a Chat request (no messages) nor a capture record (no request.messages)' },
      { line: 7, reason: 'not a JSON object' },
    ]);
  });

  it('a record whose request has no messages is not a capture; --limit stops early', () => {
    const line = JSON.stringify({ request: { model: 'm' }, messages: [] });
    expect(parseCorpus(line).entries[0]?.request).toEqual({ request: { model: 'm' }, messages: [] });
    const many = Array.from({ length: 5 }, () => JSON.stringify({ messages: [] })).join('\n');
    expect(parseCorpus(many, 2).entries).toHaveLength(2);
  });
});
