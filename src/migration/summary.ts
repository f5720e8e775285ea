/** The numbers of a replay: divergence by feature, errors, tokens and latency on each path, the verdict. */
import { distributionOf, type Distribution } from './distribution.js';
import { features, type ComparisonRecord, type Feature, type SideFacts } from './types.js';
import { verdictOf, type Verdict } from './verdict.js';

export interface FeatureSummary {
  /** Pairs where the feature differs. */
  divergent: number;
  /** Pairs where it could be compared (both answered, the request used it, ...). */
  applicable: number;
  /** divergent / applicable; 0 when nothing applied. */
  rate: number;
}

export interface PathSummary {
  errors: number;
  errorRate: number;
  refusals: number;
  toolCalls: number;
  /** Answers whose structured output was checked, and those that failed the check. */
  structuredOutputChecked: number;
  structuredOutputInvalid: number;
  latencyMs: Distribution | null;
  promptTokens: Distribution | null;
  completionTokens: Distribution | null;
  totalTokens: Distribution | null;
}

export interface ReplaySummary {
  requests: number;
  /** Requests with at least one divergent feature. */
  divergentRequests: number;
  divergence: FeatureSummary;
  features: Record<Feature, FeatureSummary>;
  /** Requests the Responses path failed while the Chat path answered them. */
  responsesOnlyErrors: number;
  /** Requests that neither path answered for a server reason (no connection, timeout, 5xx). */
  unansweredOnBoth: number;
  paths: { chat: PathSummary; responses: PathSummary };
  /** Content similarity over the pairs where content was compared. */
  similarity: Distribution | null;
  verdict: Verdict;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000;
}

function featureCheckOf(record: ComparisonRecord, feature: Feature) {
  switch (feature) {
    case 'errors':
      return record.errors;
    case 'tool_calls':
      return record.toolCalls;
    case 'structured_output':
      return record.structuredOutput;
    case 'refusal':
      return record.refusal;
    case 'finish_reason':
      return record.finishReason;
    case 'content':
      return record.content;
    default:
      return feature satisfies never;
  }
}

function featureSummary(records: ComparisonRecord[], feature: Feature): FeatureSummary {
  const checks = records.map((record) => featureCheckOf(record, feature));
  const applicable = checks.filter((check) => check.applicable).length;
  const divergent = checks.filter((check) => check.divergent).length;
  return { divergent, applicable, rate: ratio(divergent, applicable) };
}

function pathSummary(sides: SideFacts[]): PathSummary {
  const errors = sides.filter((side) => side.error !== null).length;
  const checked = sides.filter((side) => side.structuredOutput !== null);
  return {
    errors,
    errorRate: ratio(errors, sides.length),
    refusals: sides.filter((side) => side.refusal).length,
    toolCalls: sides.reduce((total, side) => total + side.toolCalls.length, 0),
    structuredOutputChecked: checked.length,
    structuredOutputInvalid: checked.filter((side) => side.structuredOutput?.valid === false).length,
    latencyMs: distributionOf(sides.map((side) => side.latencyMs)),
    promptTokens: distributionOf(sides.map((side) => side.usage?.prompt_tokens)),
    completionTokens: distributionOf(sides.map((side) => side.usage?.completion_tokens)),
    totalTokens: distributionOf(sides.map((side) => side.usage?.total_tokens)),
  };
}

/** No answer for want of a server: no HTTP answer at all, or a 5xx. A 4xx is an answer about the request. */
function serverFailure(side: SideFacts): boolean {
  return side.error !== null && (side.error.status === 0 || side.error.status >= 500);
}

export function summarise(records: ComparisonRecord[]): ReplaySummary {
  const featureSummaries = Object.fromEntries(features.map((feature) => [feature, featureSummary(records, feature)])) as Record<
    Feature,
    FeatureSummary
  >;
  const divergentRequests = records.filter((record) => record.divergences.length > 0).length;
  const responsesOnlyErrors = records.filter((record) => record.responses.error !== null && record.chat.error === null).length;
  const unansweredOnBoth = records.filter((record) => serverFailure(record.chat) && serverFailure(record.responses)).length;
  const similarity = distributionOf(records.filter((record) => record.content.applicable).map((record) => record.content.similarity));
  return {
    requests: records.length,
    divergentRequests,
    divergence: { divergent: divergentRequests, applicable: records.length, rate: ratio(divergentRequests, records.length) },
    features: featureSummaries,
    responsesOnlyErrors,
    unansweredOnBoth,
    paths: { chat: pathSummary(records.map((record) => record.chat)), responses: pathSummary(records.map((record) => record.responses)) },
    similarity,
    verdict: verdictOf({
      requests: records.length,
      divergentRequests,
      responsesOnlyErrors,
      unansweredOnBoth,
      divergentByFeature: Object.fromEntries(features.map((feature) => [feature, featureSummaries[feature].divergent])) as Record<Feature, number>,
      meanSimilarity: similarity?.mean ?? null,
    }),
  };
}
