/** The one-line answer at the top of every report: can this traffic switch to the Responses path? */
import { featureLabels } from './feature-labels.js';
import type { Feature } from './types.js';

export interface Verdict {
  kind: 'safe' | 'review' | 'not_ready';
  headline: string;
  detail: string;
}

export interface VerdictInput {
  requests: number;
  divergentRequests: number;
  /** Requests the Responses path failed while the Chat path answered them. */
  responsesOnlyErrors: number;
  /** Requests neither path answered for want of a server (no connection, timeout, 5xx): nothing was compared. */
  unansweredOnBoth: number;
  divergentByFeature: Record<Feature, number>;
  meanSimilarity: number | null;
}

/**
 * At this share of requests failing only on the Responses path the switch would break users, not
 * just change answers: "Not ready" rather than "Review". Below it, each failure is a divergence to
 * review (a rate limit or a one-off timeout should not hide the rest of the report).
 */
export const notReadyErrorRate = 0.05;

export function percentText(fraction: number): string {
  const percent = fraction * 100;
  const digits = percent === 0 || percent >= 10 || Number.isInteger(percent) ? 0 : 1;
  return `${percent.toFixed(digits)}%`;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export function verdictOf(input: VerdictInput): Verdict {
  const { requests, divergentRequests, responsesOnlyErrors, unansweredOnBoth } = input;
  if (requests === 0) return { kind: 'not_ready', headline: 'Not ready: nothing was compared', detail: 'The input had no requests to replay.' };
  // Both paths failing the same way for a server reason says nothing about the switch: such a
  // replay is not evidence of safety, so those requests count against the verdict too.
  const errorRate = (responsesOnlyErrors + unansweredOnBoth) / requests;
  if (errorRate >= notReadyErrorRate) {
    const parts = [
      responsesOnlyErrors > 0 || unansweredOnBoth === 0
        ? `${responsesOnlyErrors} of ${plural(requests, 'request')} failed on the Responses path while Chat Completions answered them.`
        : '',
      unansweredOnBoth > 0
        ? `${unansweredOnBoth} of ${plural(requests, 'request')} got no answer from either path (connection, timeout or server errors), so they could not be compared.`
        : '',
    ];
    return { kind: 'not_ready', headline: `Not ready: ${percentText(errorRate)} errors`, detail: parts.filter((part) => part !== '').join(' ') };
  }
  if (divergentRequests > 0) {
    const parts = (Object.entries(input.divergentByFeature) as Array<[Feature, number]>)
      .filter(([, count]) => count > 0)
      .map(([feature, count]) => `${featureLabels[feature].toLowerCase()}: ${count}`);
    return {
      kind: 'review',
      headline: `Review ${plural(divergentRequests, 'divergence')}`,
      detail: `${divergentRequests} of ${plural(requests, 'request')} answered differently (${parts.join(', ')}).`,
    };
  }
  const similarity = input.meanSimilarity === null ? '' : `; mean content similarity ${input.meanSimilarity.toFixed(2)}`;
  return {
    kind: 'safe',
    headline: 'Safe to switch',
    detail: `All ${plural(requests, 'request')} matched: no new errors, the same tool calls, finish reasons, refusals and structured output${similarity}.`,
  };
}
