/** The end of a streamed body, for the load clients: enough to read its last SSE frame. */

/** More than the largest last frame (`response.completed` carries the whole Response, about 2 KB). */
const TAIL_BYTES = 8192;

/** Keeps a body's last chunks: copying an ever-sliding string would cost more than the target does. */
export class BodyTail {
  chunks = [];
  bytes = 0;

  push(chunk) {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0].length >= TAIL_BYTES) this.bytes -= this.chunks.shift().length;
  }

  /** The last non-empty SSE frame of the body so far. */
  lastFrame() {
    const frames = Buffer.concat(this.chunks).toString('utf8').split('\n\n').filter((frame) => frame.trim() !== '');
    return frames.at(-1) ?? '';
  }
}
