/**
 * The report of one replay as data: what report.json holds, and what the Markdown and HTML
 * renderings are drawn from.
 */
import type { SkippedLine } from './corpus.js';
import { summarise, type ReplaySummary } from './summary.js';
import type { ThresholdResult } from './thresholds.js';
import type { ComparisonRecord } from './types.js';

/** One compared request with the bodies behind it, for reading side by side. */
export interface ReportCase {
  id: string;
  request: unknown;
  chat: unknown;
  responses: unknown;
}

export interface WorstCase extends ReportCase {
  /** Position of the pair in `records`. */
  record: number;
}

export interface ReplayReport {
  tool: 'chat-responses-adapter replay';
  version: 1;
  generatedAt: string;
  input: { file: string; requests: number; skipped: SkippedLine[] };
  /** Where each path was served from, without credentials or query strings. */
  paths: { chat: string; responses: string };
  settings: { concurrency: number; similarityThreshold: number; failOn: string[] };
  summary: ReplaySummary;
  thresholds: ThresholdResult[];
  records: ComparisonRecord[];
  /** The worst divergent pairs, worst first, with their bodies. */
  worstCases: WorstCase[];
}

export const worstCaseCount = 12;

export interface ReportInput {
  generatedAt: Date;
  file: string;
  skipped: SkippedLine[];
  paths: { chat: string; responses: string };
  settings: ReplayReport['settings'];
  records: ComparisonRecord[];
  /** The bodies of each record, in the same order. */
  cases: ReportCase[];
  evaluate: (summary: ReplaySummary) => ThresholdResult[];
}

export function buildReport(input: ReportInput): ReplayReport {
  const summary = summarise(input.records);
  const worst = input.records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => record.divergences.length > 0)
    .sort((left, right) => right.record.severity - left.record.severity || left.index - right.index)
    .slice(0, worstCaseCount);
  return {
    tool: 'chat-responses-adapter replay',
    version: 1,
    generatedAt: input.generatedAt.toISOString(),
    input: { file: input.file, requests: input.records.length, skipped: input.skipped },
    paths: input.paths,
    settings: input.settings,
    summary,
    thresholds: input.evaluate(summary),
    records: input.records,
    worstCases: worst.flatMap(({ index }) => {
      const found = input.cases[index];
      return found === undefined ? [] : [{ ...found, record: index }];
    }),
  };
}

/** A URL as a report may show it: no user, password, query or fragment. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(not a URL)';
  }
}
