import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { startInProcessAdapter } from '../../src/migration/in-process-adapter.js';
import { startForAllTests } from '../helpers/per-test.js';
import { chatKey, plantedLines, responsesKey, startPlantedFakes } from './planted-corpus.js';

const run = promisify(execFile);
const fakes = startForAllTests(startPlantedFakes);

async function corpusFile(lines: unknown[]): Promise<{ file: string; directory: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'replay-cli-'));
  const file = join(directory, 'requests.jsonl');
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  return { file, directory };
}

function collect() {
  const output = { stdout: '', stderr: '' };
  return {
    output,
    io: {
      stdout: { write: (text: string) => (output.stdout += text) },
      stderr: { write: (text: string) => (output.stderr += text) },
      env: {},
    },
  };
}

describe('chat-responses-adapter replay, as a program', () => {
  it('runs from the command line, exits 1 on an exceeded threshold and says why, keys from the environment', async () => {
    const { file, directory } = await corpusFile(plantedLines.slice(2, 8));
    const outDir = join(directory, 'out');
    const args = ['--import', 'tsx', 'src/cli.ts', 'replay', file, '--chat-url', fakes().chatUrl, '--responses-url', fakes().responsesUrl, '--out', outDir, '--fail-on', 'tool_calls>0.1'];
    const failure = await run(process.execPath, args, { env: { ...process.env, CHAT_API_KEY: chatKey, RESPONSES_API_KEY: responsesKey } }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('replay: --fail-on tool_calls>0.1 exceeded: tool_calls is 0.3333');
    expect(failure?.stdout).toContain('Review 2 divergences.');
    const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'));
    expect(report.summary.features.tool_calls).toEqual({ divergent: 2, applicable: 6, rate: 0.3333 });
  }, 60_000);

  it('sends the Responses side through a running adapter with --adapter-url and the key given by flag', async () => {
    const adapter = await startInProcessAdapter(fakes().responsesUrl, undefined, {});
    try {
      const { file, directory } = await corpusFile(plantedLines.slice(0, 2));
      const { io, output } = collect();
      const seen = fakes().responses.requests.length;
      const code = await runCli(
        ['replay', file, '--chat-url', fakes().chatUrl, '--adapter-url', adapter.url, '--responses-key', 'sk-flag-key-for-the-adapter', '--chat-key', 'sk-flag-chat', '--out', join(directory, 'out')],
        io,
      );
      expect(code).toBe(0);
      expect(output.stdout).toContain('Review 1 divergence.');
      // The running adapter has no key of its own, so it forwarded the client's.
      expect(fakes().responses.requests.slice(seen).map((request) => request.headers.authorization)).toEqual([
        'Bearer sk-flag-key-for-the-adapter',
        'Bearer sk-flag-key-for-the-adapter',
      ]);
      const written = await readFile(join(directory, 'out', 'report.json'), 'utf8');
      expect(written).not.toContain('sk-flag');
      expect(JSON.parse(written).paths.responses).toBe(`the adapter at ${adapter.url}`);
    } finally {
      await adapter.close();
    }
  });

  it.each([
    [['replay', 'x.jsonl'], '--chat-url is required.'],
    [['replay', 'x.jsonl', '--chat-url', 'http://a/v1'], 'Give exactly one of --adapter-url and --responses-url.'],
    [['replay', 'x.jsonl', '--chat-url', 'http://a/v1', '--adapter-url', 'http://b/v1', '--responses-url', 'http://c/v1'], 'Give exactly one of'],
    [['replay', 'x.jsonl', '--chat-url', 'ftp://a', '--adapter-url', 'http://b/v1'], '--chat-url must be an http or https URL.'],
    [['replay', 'x.jsonl', '--chat-url', 'http://a/v1', '--adapter-url', 'http://b/v1', '--fail-on', 'speed>1'], "unknown metric 'speed'"],
    [['replay', 'x.jsonl', '--chat-url', 'http://a/v1', '--adapter-url', 'http://b/v1', '--concurrency', '0'], '--concurrency must be a positive integer'],
    [['replay', '--bogus'], "Unknown option '--bogus'"],
    [['replay', '/no/such/file.jsonl', '--chat-url', 'http://a/v1', '--adapter-url', 'http://b/v1'], 'Cannot read /no/such/file.jsonl: ENOENT.'],
    [['transmogrify'], "unknown command 'transmogrify'"],
  ])('exits 2 on wrong usage: %j', async (argv, message) => {
    const { io, output } = collect();
    expect(await runCli(argv, io)).toBe(2);
    expect(output.stderr).toContain(message);
  });

  it('exits 2 on a file with no Chat requests, and prints help with --help', async () => {
    const { file } = await corpusFile([{ not: 'a request' }]);
    const { io, output } = collect();
    expect(await runCli(['replay', file, '--chat-url', 'http://a/v1', '--adapter-url', 'http://b/v1'], io)).toBe(2);
    expect(output.stderr).toContain('has no Chat requests (1 lines could not be read)');
    const help = collect();
    expect(await runCli(['replay', '--help'], help.io)).toBe(0);
    expect(help.output.stdout).toContain('Usage: chat-responses-adapter replay <requests.jsonl>');
    const top = collect();
    expect(await runCli(['--help'], top.io)).toBe(0);
    expect(top.output.stdout).toContain('replay     replay a file of Chat requests');
  });

  it('draws a progress bar in place on a terminal', async () => {
    const { file, directory } = await corpusFile(plantedLines.slice(0, 3));
    let stderr = '';
    const code = await runCli(['replay', file, '--chat-url', fakes().chatUrl, '--responses-url', fakes().responsesUrl, '--out', join(directory, 'out')], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: {},
    });
    expect(code).toBe(0);
    expect(stderr).toBe(
      '\r[#########...................] 1/3 requests (33%)\r[###################.........] 2/3 requests (66%)\r[############################] 3/3 requests (100%)\n',
    );
  });
});
