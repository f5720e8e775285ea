import { describe, expect, it } from 'vitest';
import { checkHistograms, parseExposition } from './prometheus-text.js';

const HEADER = '# HELP wait_seconds Waits.\n# TYPE wait_seconds histogram\n';

describe('parseExposition', () => {
  it('reads samples with escaped label values', () => {
    const text = '# TYPE jobs_total counter\njobs_total{kind="a\\\\b \\"c\\"\\nd",le="x"} 3\njobs_total 1e+21\n';
    expect(parseExposition(text).samples).toEqual([
      { name: 'jobs_total', labels: { kind: 'a\\b "c"\nd', le: 'x' }, value: 3 },
      { name: 'jobs_total', labels: {}, value: 1e21 },
    ]);
  });

  it.each([
    ['a raw quote in a label value', '# TYPE jobs_total counter\njobs_total{kind="a"b"} 1\n'],
    ['a raw newline in a label value', '# TYPE jobs_total counter\njobs_total{kind="a\nb"} 1\n'],
    ['a value that is not a number', '# TYPE jobs_total counter\njobs_total one\n'],
    ['a sample before its TYPE', 'jobs_total 1\n'],
    ['a missing final newline', '# TYPE jobs_total counter\njobs_total 1'],
    ['a second TYPE', '# TYPE jobs_total counter\n# TYPE jobs_total counter\n'],
  ])('rejects %s', (_case, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

describe('checkHistograms', () => {
  it('accepts cumulative buckets ending at +Inf equal to _count', () => {
    const text = `${HEADER}wait_seconds_bucket{le="1"} 1\nwait_seconds_bucket{le="+Inf"} 2\nwait_seconds_sum 3\nwait_seconds_count 2\n`;
    expect(checkHistograms(parseExposition(text))).toBe(1);
  });

  it.each([
    ['buckets that shrink', 'wait_seconds_bucket{le="1"} 2\nwait_seconds_bucket{le="+Inf"} 1\nwait_seconds_sum 3\nwait_seconds_count 1\n'],
    ['no +Inf bucket', 'wait_seconds_bucket{le="1"} 1\nwait_seconds_sum 3\nwait_seconds_count 1\n'],
    ['+Inf unequal to _count', 'wait_seconds_bucket{le="+Inf"} 2\nwait_seconds_sum 3\nwait_seconds_count 3\n'],
    ['bounds out of order', 'wait_seconds_bucket{le="2"} 1\nwait_seconds_bucket{le="1"} 1\nwait_seconds_bucket{le="+Inf"} 1\nwait_seconds_sum 3\nwait_seconds_count 1\n'],
  ])('rejects %s', (_case, samples) => {
    expect(() => checkHistograms(parseExposition(`${HEADER}${samples}`))).toThrow();
  });
});
