/**
 * `--fail-on` expressions: `metric>limit` or `metric>=limit`, several joined by commas, with the
 * limit a fraction (`0.05`) or a percentage (`5%`). Metrics are rates from 0 to 1.
 */
import type { ReplaySummary } from './summary.js';
import { features } from './types.js';

export const thresholdMetrics = ['divergence', ...features, 'responses_errors', 'chat_errors'] as const;
export type ThresholdMetric = (typeof thresholdMetrics)[number];

export interface Threshold {
  expression: string;
  metric: ThresholdMetric;
  operator: '>' | '>=';
  limit: number;
}

export interface ThresholdResult extends Threshold {
  value: number;
  exceeded: boolean;
}

export class ThresholdSyntaxError extends Error {}

const pattern = /^\s*([a-z_]+)\s*(>=|>)\s*(\d+(?:\.\d+)?)(%?)\s*$/;

export function parseThresholds(text: string): Threshold[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const match = pattern.exec(part);
      if (!match) throw new ThresholdSyntaxError(`--fail-on: cannot read '${part.trim()}'; write e.g. divergence>0.1 or tool_calls>=5%.`);
      const [, metric = '', operator, amount = '0', percent] = match;
      if (!(thresholdMetrics as readonly string[]).includes(metric)) {
        throw new ThresholdSyntaxError(`--fail-on: unknown metric '${metric}'; known: ${thresholdMetrics.join(', ')}.`);
      }
      const limit = Number(amount) / (percent ? 100 : 1);
      return { expression: part.trim(), metric: metric as ThresholdMetric, operator: operator === '>=' ? '>=' : '>', limit };
    });
}

export function metricValue(summary: ReplaySummary, metric: ThresholdMetric): number {
  switch (metric) {
    case 'divergence':
      return summary.divergence.rate;
    case 'responses_errors':
      return summary.paths.responses.errorRate;
    case 'chat_errors':
      return summary.paths.chat.errorRate;
    default:
      return summary.features[metric].rate;
  }
}

export function evaluateThresholds(summary: ReplaySummary, thresholds: Threshold[]): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const value = metricValue(summary, threshold.metric);
    const exceeded = threshold.operator === '>=' ? value >= threshold.limit : value > threshold.limit;
    return { ...threshold, value, exceeded };
  });
}
