import type { ServerResponse } from 'node:http';
import type { ChunkSink } from '../serve/chunk-sink.js';

/**
 * A Chat Completions event stream on a client response. Each `write` is one socket write (the
 * pipeline joins the frames of one upstream read), and its result is the socket's: false means
 * wait for `drain`, so a slow client slows the upstream read.
 */
export class ResponseSink implements ChunkSink {
  isOpen = false;
  lastWriteAt = 0;

  constructor(private readonly response: ServerResponse) {}

  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  open(headers: Record<string, string>): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }

  write(text: string): boolean {
    if (this.closed) return true;
    this.lastWriteAt = performance.now();
    return this.response.write(text);
  }

  onDrain(listener: () => void): void {
    const settle = (): void => {
      this.response.off('drain', settle);
      this.response.off('close', settle);
      listener();
    };
    this.response.on('drain', settle);
    this.response.on('close', settle);
  }

  end(text?: string): void {
    if (this.closed) return;
    this.lastWriteAt = performance.now();
    this.response.end(text);
  }
}
