/**
 * Appends JSON lines to a file without ever slowing or failing the request that produced them:
 * lines are handed to a write stream and the caller moves on; when the disk falls behind and more
 * than `maxPendingBytes` are waiting, new lines are dropped (and counted) instead of queued without
 * bound; a write error is reported once and the next line tries a fresh file. The file is rotated
 * by size: `file` → `file.1` → … → `file.<keep>`, the oldest removed.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';

export type LineOutcome = 'written' | 'dropped' | 'failed';

export interface JsonlWriterOptions {
  file: string;
  /** Rotate once the file reaches this many bytes. */
  maxFileBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
  /** Lines waiting for the disk beyond this are dropped. */
  maxPendingBytes?: number;
  /** Told of every line's fate (metrics). */
  onLine?: (outcome: LineOutcome) => void;
  /** Told of a write error (the log), once per failure. */
  onError?: (error: Error) => void;
  /** Turns a value into its line (default JSON.stringify); where secrets are scrubbed. */
  serialize?: (value: unknown) => string;
}

export class JsonlWriter {
  private stream: WriteStream | undefined;
  private bytes = 0;
  private rotating: Promise<void> | undefined;
  private readonly maxPendingBytes: number;

  constructor(private readonly options: JsonlWriterOptions) {
    this.maxPendingBytes = options.maxPendingBytes ?? 8 * 1024 * 1024;
  }

  /** Queues one value as a line; returns at once. */
  write(value: unknown): void {
    let line: string;
    try {
      line = `${(this.options.serialize ?? JSON.stringify)(value)}\n`;
    } catch {
      this.options.onLine?.('failed');
      return;
    }
    if (this.rotating !== undefined || (this.stream?.writableLength ?? 0) > this.maxPendingBytes) {
      this.options.onLine?.('dropped');
      return;
    }
    const stream = this.open();
    const size = Buffer.byteLength(line);
    this.bytes += size;
    stream.write(line, (error) => this.options.onLine?.(error ? 'failed' : 'written'));
    if (this.bytes >= this.options.maxFileBytes) this.rotate();
  }

  /** Writes what is queued and closes the file. */
  async close(): Promise<void> {
    await this.rotating;
    const stream = this.stream;
    this.stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  private open(): WriteStream {
    if (this.stream !== undefined) return this.stream;
    const stream = createWriteStream(this.options.file, { flags: 'a' });
    stream.on('error', (error) => {
      if (this.stream === stream) this.stream = undefined;
      this.options.onError?.(error);
    });
    this.stream = stream;
    this.bytes = 0;
    void stat(this.options.file).then(
      (info) => {
        if (this.stream === stream) this.bytes += info.size;
      },
      () => {},
    );
    return stream;
  }

  private rotate(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.rotating = (async () => {
      if (stream) await new Promise<void>((resolve) => stream.end(resolve));
      const { file, keep } = this.options;
      try {
        await rm(`${file}.${keep}`, { force: true });
        for (let index = keep - 1; index >= 1; index--) await rename(`${file}.${index}`, `${file}.${index + 1}`).catch(() => {});
        if (keep >= 1) await rename(file, `${file}.1`);
        else await rm(file, { force: true });
      } catch (error) {
        this.options.onError?.(error as Error);
      } finally {
        this.rotating = undefined;
      }
    })();
  }
}
