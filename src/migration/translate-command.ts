/** `chat-responses-adapter translate [request.json]`: the dry run on the command line. */
import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig } from '../config.js';
import { ReasoningContinuity } from '../reasoning/continuity.js';
import { chatTranslationFrom } from '../serve/chat-service.js';
import { MemoryStore } from '../state/memory-store.js';
import { dryRun } from './dry-run.js';
import type { CommandIo } from './replay-command.js';

export const translateUsage = `Usage: chat-responses-adapter translate [request.json]

Reads one Chat Completions request (from the file, or from standard input) and prints, as JSON, the
Responses request the adapter would send, its warnings and each parameter's fate (mapped, emulated,
warned, rejected). Calls no upstream. Honours the adapter's variables (MODEL_ALIASES, STRICT_PARAMS,
MAX_CHOICES, REASONING_MODELS, REASONING_SUMMARY).
Exit codes: 0 the request would be sent, 1 it would be refused, 2 unreadable input.
`;

export async function translateCommand(argv: string[], io: CommandIo & { stdin?: AsyncIterable<Buffer | string> | Iterable<Buffer | string> }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(translateUsage);
    return 0;
  }
  let text: string;
  try {
    text = argv[0] !== undefined ? await readFile(argv[0], 'utf8') : await readAll(io.stdin);
  } catch (error) {
    io.stderr.write(`chat-responses-adapter translate: cannot read ${argv[0] ?? 'standard input'}: ${(error as Error).message}\n`);
    return 2;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    io.stderr.write('chat-responses-adapter translate: the input is not JSON.\n');
    return 2;
  }
  let config;
  try {
    config = loadConfig({ ...io.env, ADAPTER_AUTH: io.env.ADAPTER_AUTH ?? 'none' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`chat-responses-adapter translate: ${error.message}\n`);
    return 2;
  }
  const continuity = new ReasoningContinuity(new MemoryStore(1, 1, () => 0), config.reasoningModels, config.reasoningContinuity);
  const result = dryRun(body, chatTranslationFrom(config), continuity);
  io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return result.ok ? 0 : 1;
}

async function readAll(stdin: AsyncIterable<Buffer | string> | Iterable<Buffer | string> | undefined): Promise<string> {
  if (stdin === undefined) throw new Error('no standard input');
  let text = '';
  for await (const piece of stdin) text += typeof piece === 'string' ? piece : piece.toString('utf8');
  return text;
}
