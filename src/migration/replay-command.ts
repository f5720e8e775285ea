/** `chat-responses-adapter replay`: command-line flags to a replay, its outcome to an exit code. */
import { parseArgs } from 'node:util';
import { defaultSimilarityThreshold } from './compare.js';
import { runReplay, ReplayInputError, type ReplayOptions } from './replay.js';
import { parseThresholds, ThresholdSyntaxError, thresholdMetrics, type Threshold } from './thresholds.js';

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
}

/** Exit codes: documented in the README, relied on by CI pipelines. */
export const exitCodes = { ok: 0, thresholdExceeded: 1, usage: 2, failed: 3 } as const;

export const replayUsage = `Usage: chat-responses-adapter replay <requests.jsonl> --chat-url <url> (--adapter-url <url> | --responses-url <url>) [options]

Sends every request of the file to Chat Completions and to the Responses API (through the adapter),
compares the answers and writes report.html, summary.md and report.json.

  --chat-url <url>          Chat Completions base URL, including /v1
  --adapter-url <url>       a running adapter's base URL, including /v1
  --responses-url <url>     a Responses API base URL, including /v1 (the adapter runs in this process)
  --chat-key <key>          key for --chat-url (default: CHAT_API_KEY, then OPENAI_API_KEY)
  --responses-key <key>     key for the Responses side (default: RESPONSES_API_KEY, then OPENAI_API_KEY)
  --concurrency <n>         requests in flight at once, each sent to both paths (default 4)
  --out <dir>               where the reports go (default replay-report)
  --fail-on <expr>          exit 1 when a rate is above a limit, e.g. divergence>0.1 or tool_calls>=5%;
                            several with commas or repeated flags. Metrics: ${thresholdMetrics.join(', ')}
  --limit <n>               replay only the first n requests
  --timeout-ms <ms>         time allowed for one answer (default 300000)
  --similarity-threshold <x> content below this similarity (0 to 1) is a divergence (default ${defaultSimilarityThreshold})

Prefer the environment variables for keys: flags show up in process lists. Keys are never written.
Exit codes: 0 done, 1 a --fail-on threshold was exceeded, 2 wrong usage or unreadable input, 3 failure.
`;

class UsageError extends Error {}

function positiveInteger(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got '${raw}'.`);
  return value;
}

function baseUrl(raw: string | undefined, flag: string): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag} is not a URL: '${raw}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http or https URL.`);
  return raw.replace(/\/+$/, '');
}

function similarity(raw: string | undefined): number {
  if (raw === undefined) return defaultSimilarityThreshold;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) throw new UsageError(`--similarity-threshold must be between 0 and 1, got '${raw}'.`);
  return value;
}

export function parseReplayArguments(argv: string[], env: NodeJS.ProcessEnv): ReplayOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'chat-url': { type: 'string' },
      'adapter-url': { type: 'string' },
      'responses-url': { type: 'string' },
      'chat-key': { type: 'string' },
      'responses-key': { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      'fail-on': { type: 'string', multiple: true },
      limit: { type: 'string' },
      'timeout-ms': { type: 'string' },
      'similarity-threshold': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('Give the requests file (JSON Lines).');
  if (extra.length > 0) throw new UsageError(`One requests file at a time; also got ${extra.join(' ')}.`);
  const chatUrl = baseUrl(values['chat-url'], '--chat-url');
  if (chatUrl === undefined) throw new UsageError('--chat-url is required.');
  const adapterUrl = baseUrl(values['adapter-url'], '--adapter-url');
  const responsesUrl = baseUrl(values['responses-url'], '--responses-url');
  if ((adapterUrl === undefined) === (responsesUrl === undefined)) throw new UsageError('Give exactly one of --adapter-url and --responses-url.');
  const failOn: Threshold[] = (values['fail-on'] ?? []).flatMap((expression) => parseThresholds(expression));
  return {
    file,
    chatUrl,
    adapterUrl,
    responsesUrl,
    chatKey: values['chat-key'] || env.CHAT_API_KEY || env.OPENAI_API_KEY || undefined,
    responsesKey: values['responses-key'] || env.RESPONSES_API_KEY || env.OPENAI_API_KEY || undefined,
    concurrency: positiveInteger(values.concurrency, '--concurrency', 4),
    outDir: values.out ?? 'replay-report',
    failOn,
    limit: values.limit === undefined ? undefined : positiveInteger(values.limit, '--limit', 1),
    timeoutMs: positiveInteger(values['timeout-ms'], '--timeout-ms', 300_000),
    similarityThreshold: similarity(values['similarity-threshold']),
  };
}

export async function replayCommand(argv: string[], io: CommandIo): Promise<number> {
  let options: ReplayOptions | 'help';
  try {
    options = parseReplayArguments(argv, io.env);
  } catch (error) {
    const known = error instanceof UsageError || error instanceof ThresholdSyntaxError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw error;
    io.stderr.write(`replay: ${(error as Error).message}\n\n${replayUsage}`);
    return exitCodes.usage;
  }
  if (options === 'help') {
    io.stdout.write(replayUsage);
    return exitCodes.ok;
  }
  try {
    const outcome = await runReplay(options, { stderr: io.stderr, env: io.env, fetch: io.fetch });
    const { verdict } = outcome.report.summary;
    io.stdout.write(`${verdict.headline}. ${verdict.detail}\nWrote ${outcome.files.join(', ')}\n`);
    const exceeded = outcome.thresholds.filter((threshold) => threshold.exceeded);
    for (const threshold of exceeded) {
      io.stderr.write(`replay: --fail-on ${threshold.expression} exceeded: ${threshold.metric} is ${threshold.value}\n`);
    }
    return exceeded.length > 0 ? exitCodes.thresholdExceeded : exitCodes.ok;
  } catch (error) {
    if (error instanceof ReplayInputError) {
      io.stderr.write(`replay: ${error.message}\n`);
      return exitCodes.usage;
    }
    io.stderr.write(`replay: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodes.failed;
  }
}
