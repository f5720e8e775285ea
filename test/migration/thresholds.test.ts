import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/migration/summary.js';
import { evaluateThresholds, parseThresholds, ThresholdSyntaxError } from '../../src/migration/thresholds.js';
import { compareAnswers } from '../../src/migration/compare.js';
import { answered, failed, plainRequest, toolRequest } from './sides.js';

describe('parseThresholds', () => {
  it('reads rates, percentages, both operators and lists', () => {
    expect(parseThresholds('divergence>0.1, tool_calls>=5%')).toEqual([
      { expression: 'divergence>0.1', metric: 'divergence', operator: '>', limit: 0.1 },
      { expression: 'tool_calls>=5%', metric: 'tool_calls', operator: '>=', limit: 0.05 },
    ]);
  });

  it.each(['divergence', 'divergence<0.1', 'speed>1', 'errors>x'])('refuses %s', (text) => {
    expect(() => parseThresholds(text)).toThrow(ThresholdSyntaxError);
  });
});

describe('evaluateThresholds', () => {
  const records = [
    compareAnswers(toolRequest, answered({ toolCalls: [['a', '{"x":1}']] }), answered({ toolCalls: [['a', '{"x":2}']] })),
    compareAnswers(toolRequest, answered({ toolCalls: [['a', '{}']] }), answered({ toolCalls: [['a', '{}']] })),
    compareAnswers(plainRequest, answered({ content: 'a' }), failed(500, null)),
    compareAnswers(plainRequest, answered({ content: 'a' }), answered({ content: 'a' })),
  ];
  const summary = summarise(records);

  it('compares each metric with its limit', () => {
    const results = evaluateThresholds(summary, parseThresholds('divergence>0.5,divergence>=0.5,tool_calls>0.4,responses_errors>0,chat_errors>0'));
    expect(results.map(({ metric, value, exceeded }) => [metric, value, exceeded])).toEqual([
      ['divergence', 0.5, false],
      ['divergence', 0.5, true],
      ['tool_calls', 0.5, true],
      ['responses_errors', 0.25, true],
      ['chat_errors', 0, false],
    ]);
  });
});
