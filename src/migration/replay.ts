/**
 * Replay: every request of a corpus sent to both paths (Chat Completions, and the Responses API
 * through the adapter) at once, compared, and written up as report.json, summary.md and report.html.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callChatCompletions } from './chat-call.js';
import { compareAnswers } from './compare.js';
import { mapConcurrently } from './concurrency.js';
import { parseCorpus } from './corpus.js';
import { startInProcessAdapter, type InProcessAdapter } from './in-process-adapter.js';
import { createProgress, type ProgressOutput } from './progress.js';
import { buildReport, displayUrl, type ReplayReport, type ReportCase } from './report.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';
import { createScrub, scrubValue } from './scrub.js';
import { evaluateThresholds, type Threshold, type ThresholdResult } from './thresholds.js';
import type { ComparisonRecord } from './types.js';

export interface ReplayOptions {
  file: string;
  chatUrl: string;
  /** A running adapter to send the Responses side through... */
  adapterUrl?: string;
  /** ...or a Responses API for an adapter started in this process. */
  responsesUrl?: string;
  chatKey?: string;
  responsesKey?: string;
  concurrency: number;
  outDir: string;
  failOn: Threshold[];
  limit?: number;
  timeoutMs: number;
  similarityThreshold: number;
}

export interface ReplayIo {
  stderr: ProgressOutput;
  env: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
}

export interface ReplayOutcome {
  report: ReplayReport;
  thresholds: ThresholdResult[];
  files: string[];
}

export class ReplayInputError extends Error {}

async function responsesPath(options: ReplayOptions, env: NodeJS.ProcessEnv): Promise<{ url: string; key: string | undefined; adapter?: InProcessAdapter; shown: string }> {
  if (options.adapterUrl) {
    return { url: options.adapterUrl, key: options.responsesKey, shown: `the adapter at ${displayUrl(options.adapterUrl)}` };
  }
  if (!options.responsesUrl) throw new ReplayInputError('Give --adapter-url or --responses-url.');
  const adapter = await startInProcessAdapter(options.responsesUrl, options.responsesKey, env);
  // The in-process adapter holds the key as UPSTREAM_API_KEY: nothing to send to it.
  return { url: adapter.url, key: undefined, adapter, shown: `an in-process adapter to ${displayUrl(options.responsesUrl)}` };
}

export async function runReplay(options: ReplayOptions, io: ReplayIo): Promise<ReplayOutcome> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new ReplayInputError(`Cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const corpus = parseCorpus(text, options.limit);
  if (corpus.entries.length === 0) {
    throw new ReplayInputError(`${options.file} has no Chat requests (${corpus.skipped.length} lines could not be read).`);
  }

  const path = await responsesPath(options, io.env);
  const progress = createProgress(io.stderr, corpus.entries.length);
  let pairs: Array<{ record: ComparisonRecord; found: ReportCase }>;
  try {
    pairs = await mapConcurrently(corpus.entries, options.concurrency, async (entry) => {
      const call = (baseUrl: string, apiKey: string | undefined) =>
        callChatCompletions({ baseUrl, apiKey, request: entry.request, timeoutMs: options.timeoutMs, fetch: io.fetch });
      const [chat, responses] = await Promise.all([call(options.chatUrl, options.chatKey), call(path.url, path.key)]);
      const record = compareAnswers(entry.request, chat, responses, { id: entry.id, similarityThreshold: options.similarityThreshold });
      progress.advance(record.chat.error !== null || record.responses.error !== null);
      return { record, found: { id: entry.id, request: entry.request, chat: chat.body, responses: responses.body } };
    });
  } finally {
    progress.finish();
    await path.adapter?.close();
  }

  const scrub = createScrub([options.chatKey, options.responsesKey, io.env.CHAT_API_KEY, io.env.RESPONSES_API_KEY, io.env.OPENAI_API_KEY]);
  const report = scrubValue(
    buildReport({
      generatedAt: (io.now ?? (() => new Date()))(),
      file: options.file,
      skipped: corpus.skipped,
      paths: { chat: displayUrl(options.chatUrl), responses: path.shown },
      settings: {
        concurrency: options.concurrency,
        similarityThreshold: options.similarityThreshold,
        failOn: options.failOn.map((threshold) => threshold.expression),
      },
      records: pairs.map((pair) => pair.record),
      cases: pairs.map((pair) => pair.found),
      evaluate: (summary) => evaluateThresholds(summary, options.failOn),
    }),
    scrub,
  );

  await mkdir(options.outDir, { recursive: true });
  const outputs: Array<[string, string]> = [
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
    ['summary.md', renderMarkdown(report)],
    ['report.html', renderHtml(report)],
  ];
  const files: string[] = [];
  for (const [name, content] of outputs) {
    const file = join(options.outDir, name);
    // Scrubbed twice: the data above (before escaping can change how a key is spelled), and the text here.
    await writeFile(file, scrub(content), 'utf8');
    files.push(file);
  }
  return { report, thresholds: report.thresholds, files };
}
