/**
 * One Chat Completions call over HTTP, observed for comparison: status, body (a stream assembled
 * into one completion), time taken, and what failed. Never throws.
 */
import { assembleChunks } from './assemble-chunks.js';
import { readChunkStream } from './chunk-stream.js';
import type { AnswerSide } from './types.js';

export interface ChatCallOptions {
  /** Base URL including `/v1`. */
  baseUrl: string;
  apiKey: string | undefined;
  request: unknown;
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function transportCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  return 'connection_error';
}

export async function callChatCompletions(options: ChatCallOptions): Promise<AnswerSide> {
  const fetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(options.request),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    const latencyMs = elapsed();
    const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    if (!isStream) return { status: response.status, body: parseBody(text), latencyMs };
    const stream = readChunkStream(text, response.status);
    const side: AnswerSide = { status: response.status, body: assembleChunks(stream.chunks), latencyMs };
    if (stream.error) side.error = stream.error;
    return side;
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, ...) is on its cause.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    const message = `${error instanceof Error ? error.message : String(error)}${reason}`;
    return { status: 0, body: null, latencyMs: elapsed(), error: { status: 0, code: transportCode(error), message } };
  }
}
