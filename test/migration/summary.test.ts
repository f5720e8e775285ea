import { describe, expect, it } from 'vitest';
import { compareAnswers } from '../../src/migration/compare.js';
import { distributionOf } from '../../src/migration/distribution.js';
import { summarise } from '../../src/migration/summary.js';
import { answered, failed, plainRequest } from './sides.js';

const same = () => compareAnswers(plainRequest, answered({ content: 'same words' }), answered({ content: 'same words' }));
const different = () => compareAnswers(plainRequest, answered({ content: 'one thing' }), answered({ content: 'another matter' }));
const broken = () => compareAnswers(plainRequest, answered({ content: 'a' }), failed(500, 'server_error'));

describe('summarise: the verdict', () => {
  it('Safe to switch when nothing diverges', () => {
    expect(summarise([same(), same()]).verdict).toEqual({
      kind: 'safe',
      headline: 'Safe to switch',
      detail: 'All 2 requests matched: no new errors, the same tool calls, finish reasons, refusals and structured output; mean content similarity 1.00.',
    });
  });

  it('Review N divergences, naming the features', () => {
    const summary = summarise([same(), different(), different(), ...Array.from({ length: 20 }, same), broken()]);
    expect(summary.verdict).toMatchObject({ kind: 'review', headline: 'Review 3 divergences' });
    expect(summary.verdict.detail).toBe('3 of 24 requests answered differently (errors: 1, content: 2).');
  });

  it('Not ready when 5% or more fail only on the Responses path', () => {
    const summary = summarise([broken(), ...Array.from({ length: 19 }, same)]);
    expect(summary.verdict).toEqual({
      kind: 'not_ready',
      headline: 'Not ready: 5% errors',
      detail: '1 of 20 requests failed on the Responses path while Chat Completions answered them.',
    });
    expect(summary.responsesOnlyErrors).toBe(1);
  });

  it('Not ready, never Safe, when neither path could be reached', () => {
    const down = { status: 0, body: null, latencyMs: 1, error: { status: 0, code: 'connection_error', message: 'fetch failed (ECONNREFUSED)' } };
    const unreachable = compareAnswers(plainRequest, down, down);
    expect(unreachable.divergences).toEqual([]);
    const summary = summarise([unreachable, same()]);
    expect(summary.unansweredOnBoth).toBe(1);
    expect(summary.verdict).toEqual({
      kind: 'not_ready',
      headline: 'Not ready: 50% errors',
      detail: '1 of 2 requests got no answer from either path (connection, timeout or server errors), so they could not be compared.',
    });
    // The same 400 on both paths is an answer about the request, and the same on both.
    expect(summarise([compareAnswers(plainRequest, failed(400, 'invalid_value'), failed(400, 'invalid_value'))]).verdict.kind).toBe('safe');
  });

  it('counts divergent and applicable pairs per feature', () => {
    const summary = summarise([same(), different(), broken()]);
    expect(summary.features.content).toEqual({ divergent: 1, applicable: 2, rate: 0.5 });
    expect(summary.features.errors).toEqual({ divergent: 1, applicable: 3, rate: 0.3333 });
    expect(summary.divergence).toEqual({ divergent: 2, applicable: 3, rate: 0.6667 });
    expect(summary.paths.responses).toMatchObject({ errors: 1, errorRate: 0.3333 });
  });
});

describe('distributionOf', () => {
  it('interpolates percentiles and ignores what is not a number', () => {
    expect(distributionOf([4, null, 1, 3, 2, undefined])).toEqual({ count: 4, min: 1, p25: 1.75, median: 2.5, p75: 3.25, p90: 3.7, p99: 3.97, max: 4, mean: 2.5 });
    expect(distributionOf([])).toBeNull();
  });
});
