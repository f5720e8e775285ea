/**
 * A body streamed to its consumer at the consumer's pace: what arrives while the consumer is
 * paused is held and the upstream paused, and `resume()` hands the held chunks on, in order, before
 * the upstream flows again. A compressed body goes through a decoder, whose own backpressure pauses
 * the upstream in turn. The consumer is first called in a later tick (see `TransportCall.stream`).
 */
import { StreamDecoder, type ContentCoding, type DecodedSink } from './decompress.js';
import type { BodyConsumer, BodyControl } from './transport.js';
import { streamBroken } from './transport-errors.js';

/** What a streamed body needs from its call: the upstream's flow, and the call's end. */
export interface StreamSource {
  pauseUpstream(): void;
  resumeUpstream(): void;
  /** The stream is over for the consumer; `closeUpstream` when the upstream request must be aborted. */
  streamOver(closeUpstream: boolean): void;
}

export class StreamedBody implements BodyControl, DecodedSink {
  private consumer: BodyConsumer | null;
  private decoder: StreamDecoder | null;
  /** Chunks not yet handed on: what came before the consumer did, or while it was paused. */
  private held: Buffer[];
  private handedOn = 0;
  private consumerPaused = false;
  /** The decoder's input is full: the upstream stays paused until it drains. */
  private decoderFull = false;
  private over = false;

  constructor(
    consumer: BodyConsumer,
    coding: ContentCoding | undefined,
    held: Buffer[],
    private readonly source: StreamSource,
    /** The upstream's body had ended before the consumer came. */
    private ended: boolean,
    /** The call had failed before the consumer came (client gone, body broken): told at the first flush. */
    private failure: Error | null,
  ) {
    this.consumer = consumer;
    this.decoder = coding === undefined ? null : new StreamDecoder(coding, this);
    this.held = held;
  }

  /** Whether the first flush has anything to do (held chunks, an end or a failure to tell). */
  get pending(): boolean {
    return this.held.length > 0 || this.ended || this.failure !== null;
  }

  // ---- from the upstream, through the call ----

  data(chunk: Buffer): void {
    if (this.over) return;
    if (this.handedOn < this.held.length || (this.consumerPaused && this.decoder === null)) {
      this.held.push(chunk);
      this.source.pauseUpstream();
    } else if (!this.handOn(chunk)) {
      this.source.pauseUpstream();
    }
  }

  end(): void {
    if (this.over) return;
    this.ended = true;
    if (this.handedOn === this.held.length) this.finish();
  }

  /** The body broke off, or the client went: the consumer hears it now, and the upstream is closed. */
  fail(error: Error): void {
    if (this.over) return;
    const consumer = this.consumer!;
    this.close(true);
    consumer.error(error);
  }

  // ---- the consumer's control ----

  resume(): void {
    if (this.over || !this.consumerPaused) return;
    this.consumerPaused = false;
    if (this.decoder !== null) this.decoder.resume();
    else this.flush();
  }

  cancel(): void {
    if (!this.over) this.close(true);
  }

  /** Hands on what is held, then the end, or lets the upstream flow again. */
  flush(): void {
    if (this.over) return;
    if (this.failure !== null) return this.fail(this.failure);
    const held = this.held;
    while (this.handedOn < held.length) {
      const more = this.handOn(held[this.handedOn++]!);
      // The consumer may have cancelled, or paused: the rest stays held.
      if (this.over || (!more && this.decoder === null)) return;
    }
    held.length = 0;
    this.handedOn = 0;
    if (this.ended) this.finish();
    else if (!this.decoderFull) this.source.resumeUpstream();
  }

  // ---- the decoder's sink ----

  onDecodedData(chunk: Buffer): boolean {
    if (this.over) return false;
    if (this.consumer!.data(chunk) !== false) return true;
    this.consumerPaused = true;
    return false;
  }

  onDecodedEnd(): void {
    if (this.over) return;
    const consumer = this.consumer!;
    this.close(false);
    consumer.end();
  }

  onDecodedError(error: Error): void {
    this.fail(streamBroken(error));
  }

  onDecoderDrain(): void {
    this.decoderFull = false;
    if (!this.over) this.source.resumeUpstream();
  }

  // ----

  /** One chunk to the decoder or the consumer; false when the upstream should pause. */
  private handOn(chunk: Buffer): boolean {
    if (this.decoder !== null) {
      if (this.decoder.write(chunk)) return true;
      this.decoderFull = true;
      return false;
    }
    if (this.consumer!.data(chunk) !== false) return true;
    this.consumerPaused = true;
    return false;
  }

  /** The upstream's body has all been handed on: the end goes through the decoder when there is one. */
  private finish(): void {
    if (this.decoder !== null) return this.decoder.end();
    const consumer = this.consumer!;
    this.close(false);
    consumer.end();
  }

  private close(closeUpstream: boolean): void {
    this.over = true;
    // Let go of the chunks and the consumer: the call stays reachable as long as the client's request.
    this.held = [];
    this.consumer = null;
    this.decoder?.destroy();
    this.decoder = null;
    this.source.streamOver(closeUpstream);
  }
}
