/** Where a stream is written: the HTTP layer gives one per client response. */
export interface ChunkSink {
  /** The headers have been sent: from now on errors go in-band. */
  readonly isOpen: boolean;
  /** The client has gone; writes are dropped. */
  readonly closed: boolean;
  /** When the last bytes were written (ms, `performance.now()`); 0 before any. */
  readonly lastWriteAt: number;
  /** Sends the status line and headers (with the upstream's headers worth passing on). */
  open(headers: Record<string, string>): void;
  /** Writes SSE text; false when the client is slow: wait for `onDrain` before writing more. */
  write(text: string): boolean;
  /** Called once when the client has taken what was written, or has gone. */
  onDrain(listener: () => void): void;
  /** Writes the last text and ends the response. */
  end(text?: string): void;
}
