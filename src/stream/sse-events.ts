import type { ReadableStreamReadResult } from 'node:stream/web';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ApiError, UpstreamProtocolError } from '../errors.js';
import type { RawUpstreamEvent as UpstreamEvent } from '../types/responses-upstream.js';

/**
 * Reads an upstream SSE body and yields the parsed events, whatever the chunking: split lines,
 * split UTF-8 characters, CRLF. The event's `type` comes from its JSON (some recorders and relays
 * drop `event:` lines). Ends when the body ends, or at a `[DONE]` line (sent by some relays).
 * Throws UpstreamProtocolError: 502 for a body that is not JSON events or breaks, 504 after `idleTimeoutMs`
 * without a byte; the body is cancelled whenever reading stops early.
 */
export async function* readUpstreamEvents(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs: number,
): AsyncGenerator<UpstreamEvent> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await readWithIdleTimeout(reader, idleTimeoutMs);
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      if (done) parser.feed('\n\n'); // an unterminated last event still counts
      while (queue.length > 0) {
        const message = queue.shift()!;
        if (message.data === '[DONE]') return;
        // `data:` with nothing after it (a relay's keepalive) is an empty message, not an event.
        if (message.data.trim() === '') continue;
        yield parseEvent(message);
      }
      if (done) return;
    }
  } finally {
    // Stops the upstream transfer when the consumer leaves early (client gone, error).
    reader.cancel().catch(() => {});
  }
}

function parseEvent(message: EventSourceMessage): UpstreamEvent {
  let event: unknown;
  try {
    event = JSON.parse(message.data);
  } catch {
    throw new UpstreamProtocolError('The upstream sent an event that is not valid JSON.', 'upstream_protocol_error');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new UpstreamProtocolError('The upstream sent an event that is not a JSON object.', 'upstream_protocol_error');
  }
  const parsed = event as UpstreamEvent;
  if (typeof parsed.type !== 'string' && message.event) parsed.type = message.event;
  return parsed;
}

/** Node fires longer timers after 1 ms instead (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

async function readWithIdleTimeout(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleTimeoutMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UpstreamProtocolError(`The upstream stream was idle for ${idleTimeoutMs} ms.`, 'upstream_idle_timeout', { status: 504 }),
        ),
      Math.min(idleTimeoutMs, LONGEST_TIMER_MS),
    );
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new UpstreamProtocolError('The upstream connection broke during the stream.', 'upstream_stream_broken', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
