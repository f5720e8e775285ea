import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { parseCorpus } from '../../src/migration/corpus.js';
import type { ReplayReport } from '../../src/migration/report.js';
import { startForAllTests } from '../helpers/per-test.js';
import { exampleCorpusScenarios, withoutDelays } from './example-corpus-scenarios.js';
import { startReplayFakes } from './replay-fakes.js';

/** examples/corpus/requests.jsonl, replayed as the README's screenshot was made (without the latencies). */
const fakes = startForAllTests(() => startReplayFakes(withoutDelays(exampleCorpusScenarios)));

describe('the example corpus', () => {
  it('is 14 varied Chat requests', async () => {
    const corpus = parseCorpus(await readFile('examples/corpus/requests.jsonl', 'utf8'));
    expect(corpus.skipped).toEqual([]);
    const requests = corpus.entries.map((entry) => entry.request);
    expect(requests).toHaveLength(14);
    const uses = (predicate: (request: Record<string, any>) => boolean) => requests.filter(predicate).length;
    expect(uses((request) => Array.isArray(request.tools))).toBe(3);
    expect(uses((request) => request.response_format?.type === 'json_schema')).toBe(1);
    expect(uses((request) => request.stream === true)).toBe(1);
    expect(uses((request) => request.n === 2)).toBe(1);
    expect(uses((request) => Array.isArray(request.stop))).toBe(1);
    expect(uses((request) => /[\u3040-\u30ff\u4e00-\u9fff]/u.test(JSON.stringify(request.messages)))).toBe(2);
  });

  it('replays to the report the README shows', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'replay-example-')), 'out');
    const quiet = { write: () => true };
    const code = await runCli(
      ['replay', 'examples/corpus/requests.jsonl', '--chat-url', fakes().chatUrl, '--responses-url', fakes().responsesUrl, '--out', outDir],
      { stdout: quiet, stderr: quiet, env: {} },
    );
    expect(code).toBe(0);
    const report: ReplayReport = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'));
    // Every translated request was accepted by the fake upstream, which validates like the real API.
    expect(report.records.filter((record) => record.responses.error !== null)).toEqual([]);
    expect(report.summary.verdict.headline).toBe('Review 5 divergences');
    expect(report.summary.verdict.detail).toBe('5 of 14 requests answered differently (tool calls: 1, structured output: 1, refusals: 1, content: 2).');
    expect(Object.fromEntries(report.records.filter((record) => record.divergences.length > 0).map((record) => [record.id, record.divergences]))).toEqual({
      'line 4': ['tool_calls'],
      'line 7': ['structured_output'],
      'line 8': ['refusal'],
      'line 11': ['content'],
      'line 14': ['content'],
    });
    // The adapter cut the planets list at the stop sequence, as Chat Completions did.
    expect(report.records[12]?.content).toMatchObject({ equal: true });
  });
});
