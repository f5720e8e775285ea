/**
 * Reads a Chat Completions event stream (`data: {chunk}` frames ending with `data: [DONE]`) into its
 * chunks. An `error` frame or a stream that stops before `[DONE]` is reported as the stream's error.
 */
import { createParser } from 'eventsource-parser';
import { isRecord } from './answer-body.js';
import type { SideError } from './types.js';

export interface ChunkStream {
  chunks: unknown[];
  done: boolean;
  error: SideError | null;
}

export function readChunkStream(text: string, status: number): ChunkStream {
  const stream: ChunkStream = { chunks: [], done: false, error: null };
  const parser = createParser({
    onEvent({ data }) {
      if (stream.done || stream.error) return;
      if (data.trim() === '[DONE]') {
        stream.done = true;
        return;
      }
      let frame: unknown;
      try {
        frame = JSON.parse(data);
      } catch {
        stream.error = { status, code: 'invalid_stream', message: 'A stream frame is not JSON.' };
        return;
      }
      if (isRecord(frame) && isRecord(frame.error)) {
        const { error } = frame;
        const code = typeof error.code === 'string' ? error.code : typeof error.type === 'string' ? error.type : 'stream_error';
        const message = typeof error.message === 'string' ? error.message : 'The stream ended with an error frame.';
        stream.error = { status, code, message };
        return;
      }
      stream.chunks.push(frame);
    },
  });
  parser.feed(text);
  parser.feed('\n\n'); // a last frame without its blank line still counts
  if (!stream.done && stream.error === null) {
    stream.error = { status, code: 'incomplete_stream', message: 'The stream ended without data: [DONE].' };
  }
  return stream;
}
