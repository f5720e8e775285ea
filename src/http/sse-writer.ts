import type { Response } from 'express';

/**
 * Writes a Chat Completions event stream: `data: <json>` frames, `[DONE]` at the end.
 * Waits for `drain` when the socket buffer is full, so a slow client slows the upstream read.
 */
export class SseWriter {
  private opened = false;

  constructor(private readonly response: Response) {}

  get isOpen(): boolean {
    return this.opened;
  }

  open(headers: Record<string, string>): void {
    if (this.opened) return;
    this.opened = true;
    this.response.status(200);
    this.response.set({
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.response.flushHeaders();
  }

  async send(payload: unknown): Promise<void> {
    await this.write(`data: ${JSON.stringify(payload)}\n\n`);
  }

  /** An SSE comment line: ignored by every SSE parser, but it keeps idle connections alive. */
  async comment(text: string): Promise<void> {
    await this.write(`: ${text}\n\n`);
  }

  async done(): Promise<void> {
    await this.write('data: [DONE]\n\n');
    this.response.end();
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }

  /** When the last frame was written (ms since the epoch); 0 before any. */
  lastWriteAt = 0;

  private async write(frame: string): Promise<void> {
    if (this.response.destroyed || this.response.writableEnded) return;
    this.lastWriteAt = Date.now();
    if (this.response.write(frame)) return;
    await new Promise<void>((resolve) => {
      const settle = () => {
        this.response.off('drain', settle);
        this.response.off('close', settle);
        resolve();
      };
      this.response.on('drain', settle);
      this.response.on('close', settle);
    });
  }
}
