import type { ApiError } from '../errors.js';

/** How a stream is ended from outside: an error frame after output, its status before. */
export type StreamAbort = (error: ApiError) => void;

/** One stream's place in the registry, taken before its upstream calls start. */
export interface StreamEntry {
  /** Called by the stream once it can be ended (its session exists). */
  bind(abort: StreamAbort): void;
  /** The stream is over. */
  leave(): void;
}

/**
 * The chat streams being served, so that a shutdown can end each with an error once its grace is
 * over. A stream that enters after `abortAll` is ended as soon as it binds.
 */
export class OpenStreams {
  private readonly entries = new Set<{ abort: StreamAbort | undefined }>();
  private endedWith: ApiError | undefined;

  get size(): number {
    return this.entries.size;
  }

  enter(): StreamEntry {
    const slot: { abort: StreamAbort | undefined } = { abort: undefined };
    this.entries.add(slot);
    return {
      bind: (abort) => {
        slot.abort = abort;
        if (this.endedWith) abort(this.endedWith);
      },
      leave: () => {
        this.entries.delete(slot);
      },
    };
  }

  /** Ends every open stream (and any that binds later) with `error`; returns how many were open. */
  abortAll(error: ApiError): number {
    this.endedWith = error;
    const count = this.entries.size;
    for (const slot of [...this.entries]) slot.abort?.(error);
    return count;
  }
}
