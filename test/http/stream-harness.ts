/**
 * The whole app listening on 127.0.0.1 against the real fake upstream, for the `stream: true`
 * tests, with helpers that read the answer the way a curl user sees it.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logging.js';
import { startFakeUpstream, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { captureLogs, listenOnLoopback, type LogLine } from '../helpers/listening-app.js';
import { startForEachTest } from '../helpers/per-test.js';

export interface StreamHarness {
  fake: FakeUpstream;
  /** The app's base URL including `/v1`. */
  url: string;
  /** Every log line written so far. */
  logLines(): LogLine[];
  close(): Promise<void>;
}

export interface StreamHarnessOptions {
  env?: Record<string, string>;
  /** Another upstream than the harness's fake (which is still started). */
  upstreamUrl?: string;
}

export async function startStreamHarness(options: StreamHarnessOptions = {}): Promise<StreamHarness> {
  const fake = await startFakeUpstream();
  const logs = captureLogs();
  const config = loadConfig({ UPSTREAM_BASE_URL: options.upstreamUrl ?? fake.url, UPSTREAM_RETRIES: '0', ...options.env });
  const app = createApp({
    config,
    logger: createLogger('debug', logs.destination),
  });
  const listening = await listenOnLoopback(app);

  return {
    fake,
    url: listening.url,
    logLines: logs.lines,
    async close() {
      await listening.close();
      await app.close();
      await fake.close();
    },
  };
}

/** A fresh harness for every test of the enclosing block; call the getter inside a test. */
export function useStreamHarness(options: StreamHarnessOptions = {}): () => StreamHarness {
  return startForEachTest(() => startStreamHarness(options));
}

/** A user turn as the smallest valid streaming Chat request. */
export function streamRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello.' }], stream: true, ...extra };
}

export function postChat(harness: StreamHarness, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${harness.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/**
 * The `data:` payloads of an event stream, checking the framing a Chat client relies on: every
 * frame is exactly one `data: ` line followed by a blank line.
 */
export function dataFrames(text: string): string[] {
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      if (!frame.startsWith('data: ') || frame.includes('\n')) throw new Error(`not a single data line: ${JSON.stringify(frame)}`);
      return frame.slice('data: '.length);
    });
}

/** The JSON payloads of a stream, `[DONE]` excluded (it must be last, and only there). */
export function streamChunks(text: string): Array<Record<string, any>> {
  const frames = dataFrames(text);
  const doneAt = frames.indexOf('[DONE]');
  if (doneAt !== -1 && doneAt !== frames.length - 1) throw new Error('[DONE] is not the last frame');
  return frames.filter((frame) => frame !== '[DONE]').map((frame) => JSON.parse(frame) as Record<string, any>);
}

/** The text a client shows for one choice: its content deltas joined. */
export function contentOf(chunks: Array<Record<string, any>>, choiceIndex = 0): string {
  return chunks
    .flatMap((chunk) => chunk.choices ?? [])
    .filter((choice) => choice.index === choiceIndex && typeof choice.delta?.content === 'string')
    .map((choice) => choice.delta.content as string)
    .join('');
}

/** The finish reasons sent for one choice, in order (exactly one in a good stream). */
export function finishReasonsOf(chunks: Array<Record<string, any>>, choiceIndex = 0): string[] {
  return chunks
    .flatMap((chunk) => chunk.choices ?? [])
    .filter((choice) => choice.index === choiceIndex && choice.finish_reason !== null)
    .map((choice) => choice.finish_reason as string);
}

/** Reads a body until `until` holds for the text so far (or the body ends); the reader stays open. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (text: string) => boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** Log lines at error level or above (pino's 50), which an operator would be paged for. */
export function errorLogLines(harness: StreamHarness): LogLine[] {
  return harness.logLines().filter((line) => line.level >= 50);
}
