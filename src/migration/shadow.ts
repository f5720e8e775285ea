/**
 * Shadow mode: for a sampled share of live requests, the original Chat request is also sent,
 * unchanged, to a Chat Completions upstream in the background, and the two answers are compared
 * (the rules of `compare.ts`, the same as replay) into one JSON line per pair. The client's answer
 * never waits for the shadow and never changes; at most `concurrency` shadow calls run at once, and
 * a request that finds them all busy is skipped (and counted), never queued.
 */
import { callChatCompletions } from './chat-call.js';
import { assembleChunks } from './assemble-chunks.js';
import { readChunkStream } from './chunk-stream.js';
import { compareAnswers } from './compare.js';
import type { JsonlWriter } from './jsonl-writer.js';
import type { AnswerSide } from './types.js';

export type ShadowOutcome = 'compared' | 'skipped' | 'failed';

export interface ShadowOptions {
  /** The Chat Completions upstream, including /v1. */
  chatBaseUrl: string;
  apiKey: string | undefined;
  /** The share of requests shadowed, 0 to 1. */
  sample: number;
  /** Shadow calls in flight at most. */
  concurrency: number;
  timeoutMs: number;
  writer: JsonlWriter;
  onOutcome?: (outcome: ShadowOutcome) => void;
  random?: () => number;
  fetch?: typeof globalThis.fetch;
}

/** A stream answer kept for the comparison beyond this is not compared (the client still gets all of it). */
const MAX_TEED_BYTES = 8 * 1024 * 1024;

export class ShadowComparer {
  private inFlight = 0;
  private readonly random: () => number;

  constructor(private readonly options: ShadowOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Starts the shadow call of a sampled request at once; undefined when not sampled or when the cap is reached. */
  begin(id: string, request: unknown): ShadowRun | undefined {
    if (this.options.sample < 1 && this.random() >= this.options.sample) return undefined;
    if (this.inFlight >= this.options.concurrency) {
      this.options.onOutcome?.('skipped');
      return undefined;
    }
    this.inFlight++;
    const shadow = callChatCompletions({
      baseUrl: this.options.chatBaseUrl,
      apiKey: this.options.apiKey,
      request,
      timeoutMs: this.options.timeoutMs,
      fetch: this.options.fetch,
    });
    return new ShadowRun(id, request, shadow, (record) => this.finished(record));
  }

  private finished(record: Record<string, unknown> | undefined): void {
    this.inFlight--;
    if (record === undefined) {
      this.options.onOutcome?.('failed');
      return;
    }
    this.options.writer.write(record);
    this.options.onOutcome?.('compared');
  }
}

/** One shadowed request: told of the client's answer, it compares once the shadow's answer is in too. */
export class ShadowRun {
  private readonly startedAt = performance.now();
  private teed = '';
  private teeOverflow = false;
  private settled = false;

  constructor(
    private readonly id: string,
    private readonly request: unknown,
    private readonly shadow: Promise<AnswerSide>,
    private readonly done: (record: Record<string, unknown> | undefined) => void,
  ) {}

  /** Keeps what was streamed to the client, to assemble it afterwards. */
  tee(text: string): void {
    if (this.teeOverflow) return;
    if (this.teed.length + text.length > MAX_TEED_BYTES) {
      this.teeOverflow = true;
      this.teed = '';
      return;
    }
    this.teed += text;
  }

  /** The client's stream ended (written through `tee`). */
  streamed(status: number): void {
    if (this.teeOverflow) {
      this.settle(undefined);
      return;
    }
    const stream = readChunkStream(this.teed, status);
    this.teed = '';
    const side: AnswerSide = { status, body: assembleChunks(stream.chunks), latencyMs: this.elapsed() };
    if (stream.error) side.error = stream.error;
    this.settle(side);
  }

  /** The client got a JSON answer (a completion or an error body). */
  answered(status: number, body: unknown): void {
    this.settle({ status, body, latencyMs: this.elapsed() });
  }

  /** The client left before its answer: nothing to compare. */
  abandoned(): void {
    this.settle(undefined);
  }

  private elapsed(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  private settle(primary: AnswerSide | undefined): void {
    if (this.settled) return;
    this.settled = true;
    void this.shadow.then(
      (shadow) => {
        if (primary === undefined) {
          this.done(undefined);
          return;
        }
        const comparison = compareAnswers(this.request, shadow, primary, { id: this.id });
        this.done({ time: new Date().toISOString(), ...comparison });
      },
      () => this.done(undefined),
    );
  }
}
