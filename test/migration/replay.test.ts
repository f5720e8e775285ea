import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../src/migration/report.js';
import { startForAllTests } from '../helpers/per-test.js';
import { chatKey, plantedLines, responsesKey, runPlantedReplay, startPlantedFakes, type PlantedRun } from './planted-corpus.js';

const fakes = startForAllTests(startPlantedFakes);

let failing: PlantedRun | undefined;
let report: ReplayReport;
async function failingRun(): Promise<PlantedRun> {
  if (failing === undefined) {
    failing = await runPlantedReplay(fakes(), ['--fail-on', 'tool_calls>0.3', '--fail-on', 'divergence>0.9']);
    report = JSON.parse(await readFile(join(failing.outDir, 'report.json'), 'utf8'));
  }
  return failing;
}

describe('replay over a corpus with planted divergences', () => {
  it('counts each planted divergence exactly', async () => {
    await failingRun();
    const { summary } = report;
    expect(summary.requests).toBe(15);
    expect(summary.features).toEqual({
      errors: { divergent: 1, applicable: 15, rate: 0.0667 },
      tool_calls: { divergent: 2, applicable: 6, rate: 0.3333 },
      structured_output: { divergent: 1, applicable: 2, rate: 0.5 },
      refusal: { divergent: 1, applicable: 13, rate: 0.0769 },
      finish_reason: { divergent: 1, applicable: 13, rate: 0.0769 },
      content: { divergent: 1, applicable: 7, rate: 0.1429 },
    });
    expect(summary.divergence).toEqual({ divergent: 7, applicable: 15, rate: 0.4667 });
    expect(summary.responsesOnlyErrors).toBe(1);
    expect(summary.paths.chat).toMatchObject({ errors: 1, refusals: 0, toolCalls: 6, structuredOutputChecked: 2, structuredOutputInvalid: 0 });
    expect(summary.paths.responses).toMatchObject({ errors: 2, refusals: 1, toolCalls: 6, structuredOutputChecked: 2, structuredOutputInvalid: 1 });
    expect(summary.verdict).toEqual({
      kind: 'not_ready',
      headline: 'Not ready: 6.7% errors',
      detail: '1 of 15 requests failed on the Responses path while Chat Completions answered them.',
    });
  });

  it('keeps one record per line in input order, with capture ids, and the worst cases worst first', async () => {
    await failingRun();
    expect(report.records.map((record) => record.id)).toEqual(['cap-first', ...plantedLines.slice(1, 11).map((_, index) => `line ${index + 2}`), 'cap-error', 'line 13', 'line 14', 'line 15']);
    expect(report.records.map((record) => record.divergences)).toEqual([
      [], ['content'], [], ['tool_calls'], ['tool_calls'], [], [], [], [], ['structured_output'], ['refusal'], ['errors'], [], [], ['finish_reason'],
    ]);
    expect(report.worstCases.map((found) => found.id)).toEqual(['cap-error', 'line 4', 'line 5', 'line 10', 'line 11', 'line 2', 'line 15']);
    expect(report.worstCases[0]?.request).toEqual((plantedLines[11] as { request: unknown }).request);
    expect(report.worstCases[0]?.record).toBe(11);
  });

  it('compares the streamed request on its assembled chunks, usage included', async () => {
    await failingRun();
    const streamed = report.records[13];
    expect(streamed).toMatchObject({ id: 'line 14', stream: true, divergences: [], content: { equal: true, similarity: 1 } });
    expect(streamed?.chat.usage).toEqual({ prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 });
    expect(streamed?.responses.usage).toEqual({ prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 });
    expect(report.records[11]?.responses.error).toMatchObject({ status: 500 });
    expect(report.records[12]?.chat.error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('exits 1 when a --fail-on threshold is exceeded and says which', async () => {
    const run = await failingRun();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('replay: --fail-on tool_calls>0.3 exceeded: tool_calls is 0.3333');
    expect(run.stderr).not.toContain('divergence>0.9 exceeded');
    expect(report.thresholds.map(({ expression, exceeded }) => [expression, exceeded])).toEqual([
      ['tool_calls>0.3', true],
      ['divergence>0.9', false],
    ]);
    expect(run.stdout).toContain('Not ready: 6.7% errors.');
  });

  it('exits 0 when every threshold holds, and without --fail-on', async () => {
    expect((await runPlantedReplay(fakes(), ['--fail-on', 'tool_calls>0.5,responses_errors>=20%'])).code).toBe(0);
    expect((await runPlantedReplay(fakes(), ['--limit', '2'])).code).toBe(0);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const run = await failingRun();
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('replay: ') && line.includes('requests'));
    expect(lines.at(-1)).toBe('replay: 15/15 requests (100%), 2 with an error');
    expect(run.stderr).not.toContain('\r');
  });

  it('sends each key to its own path and writes neither anywhere', async () => {
    const run = await failingRun();
    expect(fakes().chatRequests.every((request) => request.headers.authorization === `Bearer ${chatKey}`)).toBe(true);
    expect(fakes().responses.requests.every((request) => request.headers.authorization === `Bearer ${responsesKey}`)).toBe(true);
    const names = await readdir(run.outDir);
    expect(names.sort()).toEqual(['report.html', 'report.json', 'summary.md']);
    const texts = [run.stdout, run.stderr, ...(await Promise.all(names.map((name) => readFile(join(run.outDir, name), 'utf8'))))];
    for (const text of texts) {
      expect(text).not.toContain(chatKey);
      expect(text).not.toContain(responsesKey);
      expect(text).not.toContain('SECRET');
    }
    // The chat fake quoted the key in its 401; the report shows the error with the key removed.
    expect(JSON.stringify(report.records[12]?.chat.error)).toContain('Incorrect API key provided: [redacted]');
  });

  it('writes a Markdown summary with the verdict and the feature table', async () => {
    const run = await failingRun();
    const markdown = await readFile(join(run.outDir, 'summary.md'), 'utf8');
    expect(markdown).toContain('# Replay report: Not ready: 6.7% errors');
    expect(markdown).toContain('| Tool calls | 2 | 6 | 33% |');
    expect(markdown).toContain('| Structured output invalid | 0 of 2 | 1 of 2 |');
    expect(markdown).toContain('- `tool_calls>0.3`: tool_calls is 0.3333, **exceeded**');
  });
});
