/** Upstream bodies as ReadableStreams cut at chosen byte boundaries, with a spy on cancel. */
import { vi } from 'vitest';
import { readUpstreamEvents } from '../../src/stream/sse-events.js';
import type { RawUpstreamEvent as UpstreamEvent } from '../../src/types/responses-upstream.js';

export interface ByteSource {
  stream: ReadableStream<Uint8Array>;
  cancel: ReturnType<typeof vi.fn>;
}

/** Serves `pieces` one per read, then closes, errors with `failWith`, or stalls forever (`stall`). */
export function byteSource(pieces: Uint8Array[], end: { failWith?: Error; stall?: boolean; delayMs?: number } = {}): ByteSource {
  const cancel = vi.fn();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (end.delayMs) await new Promise((resolve) => setTimeout(resolve, end.delayMs));
      const piece = pieces[next++];
      if (piece !== undefined) controller.enqueue(piece);
      else if (end.failWith) controller.error(end.failWith);
      else if (end.stall) await new Promise(() => {});
      else controller.close();
    },
    cancel,
  });
  return { stream, cancel };
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

/** Cuts before every UTF-8 continuation byte, so every multi-byte character is split. */
export function splitInsideCharacters(bytes: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  bytes.forEach((byte, index) => {
    if ((byte & 0xc0) === 0x80) {
      pieces.push(bytes.subarray(start, index));
      start = index;
    }
  });
  pieces.push(bytes.subarray(start));
  return pieces;
}

export const splits: Array<[string, (bytes: Uint8Array) => Uint8Array[]]> = [
  ['in one piece', (bytes) => [bytes]],
  ['every byte', (bytes) => splitEvery(bytes, 1)],
  ['every 7 bytes', (bytes) => splitEvery(bytes, 7)],
  ['inside every multi-byte character', splitInsideCharacters],
];

export async function readAll(pieces: Uint8Array[], idleTimeoutMs = 5_000): Promise<UpstreamEvent[]> {
  const events: UpstreamEvent[] = [];
  for await (const event of readUpstreamEvents(byteSource(pieces).stream, idleTimeoutMs)) events.push(event);
  return events;
}

/** The events read before the parser threw, and what it threw (undefined when it did not). */
export async function readUntilError(
  stream: ReadableStream<Uint8Array>,
  idleTimeoutMs = 5_000,
): Promise<{ events: UpstreamEvent[]; error: unknown }> {
  const events: UpstreamEvent[] = [];
  try {
    for await (const event of readUpstreamEvents(stream, idleTimeoutMs)) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}
