/** Upstream bodies cut at chosen byte boundaries, read by the push-based SSE reader. */
import { EventStreamReader } from '../../src/upstream/event-stream.js';
import type { RawUpstreamEvent } from '../../src/types/responses-upstream.js';

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

export interface ReadOutcome {
  events: RawUpstreamEvent[];
  /** What the reader threw, if it did. */
  error: unknown;
  /** A `[DONE]` line ended the stream. */
  done: boolean;
}

/** Feeds the pieces one by one, as reads from a socket, then the end of the body. */
export function readPieces(pieces: Uint8Array[], maxEventBytes = 16 * 1024 * 1024): ReadOutcome {
  const outcome: ReadOutcome = { events: [], error: undefined, done: false };
  const reader = new EventStreamReader(
    { onEvent: (event) => outcome.events.push(event), onDone: () => (outcome.done = true) },
    maxEventBytes,
  );
  try {
    for (const piece of pieces) reader.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    reader.end();
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** The events of a body that must parse cleanly. */
export function readAll(pieces: Uint8Array[]): RawUpstreamEvent[] {
  const { events, error } = readPieces(pieces);
  if (error) throw error;
  return events;
}
