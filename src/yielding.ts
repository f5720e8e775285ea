/**
 * Long synchronous work on one request (a body of 800,000 messages) cut into slices, so that other
 * requests are answered in between. The work is written as a generator that yields where it may
 * pause; it stays pure (it only says where), and the driver here lets the event loop through at
 * each pause (`setImmediate`: pending I/O runs first). Work on small inputs never yields, so it
 * costs nothing more than a plain call.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the work to its end at once. */
export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the work, letting the event loop through at each pause. */
export async function runInSlices<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Bytes copied between two pauses: on a busy machine one copy of 24 MB can take a tenth of a second. */
const BYTES_PER_COPY = 2 * 1024 * 1024;

/** The pieces (strings as UTF-8) in one Buffer, copied a few megabytes at a time. */
export function* concatInSlices(pieces: ReadonlyArray<Buffer | string>): Steps<Buffer> {
  let total = 0;
  for (const piece of pieces) total += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
  const joined = Buffer.allocUnsafe(total);
  let offset = 0;
  let pauseAt = BYTES_PER_COPY;
  for (const piece of pieces) {
    offset += typeof piece === 'string' ? joined.write(piece, offset) : piece.copy(joined, offset);
    if (offset >= pauseAt) {
      yield;
      pauseAt = offset + BYTES_PER_COPY;
    }
  }
  return joined;
}
