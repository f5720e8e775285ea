/**
 * Content codings of upstream bodies. We never ask for compression unless configured, but relays
 * compress anyway, and a compressed body read as text is garbage to the JSON and SSE readers.
 * Whole bodies are decoded in one synchronous call (cheapest for a body we already hold); streams
 * get a zlib stream, only when they are compressed.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type ContentCoding = 'gzip' | 'deflate' | 'br';

/**
 * The coding named by a `content-encoding` header: `undefined` for none (or `identity`), `null`
 * for one we cannot decode (zstd, or codings stacked one on another).
 */
export function contentCoding(header: string | string[] | undefined): ContentCoding | undefined | null {
  if (header === undefined) return undefined;
  const value = (typeof header === 'string' ? header : header.join(',')).trim().toLowerCase();
  if (value === '' || value === 'identity') return undefined;
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'br') return 'br';
  if (value === 'deflate') return 'deflate';
  return null;
}

/**
 * A whole body, decoded. `tolerateTruncation` decodes what there is of a body we cut short (an
 * error body read up to its limit) instead of failing on its missing end. The output is bounded by
 * `maxOutputLength`: past it zlib throws a RangeError (see `isTooLarge`).
 */
export function decodeWhole(coding: ContentCoding, body: Buffer, maxOutputLength: number, tolerateTruncation: boolean): Buffer {
  // Servers label empty bodies (204, HEAD-like answers) with their usual coding; zlib rejects empty input.
  if (body.length === 0) return body;
  if (coding === 'br') {
    const finishFlush = tolerateTruncation ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.BROTLI_OPERATION_FINISH;
    return zlib.brotliDecompressSync(body, { maxOutputLength, finishFlush });
  }
  const options = { maxOutputLength, finishFlush: tolerateTruncation ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.Z_FINISH };
  if (coding === 'gzip') return zlib.gunzipSync(body, options);
  return hasZlibHeader(body) ? zlib.inflateSync(body, options) : zlib.inflateRawSync(body, options);
}

/** zlib's own limit error: the decoded body would be larger than `maxOutputLength`. */
export function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError && (error as RangeError & { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * `deflate` should be a zlib stream (RFC 9110), but some servers send raw deflate, as browsers
 * accept. A zlib stream starts with a CMF byte for method 8 and a check making the first two bytes a
 * multiple of 31.
 */
function hasZlibHeader(body: Buffer): boolean {
  if (body.length < 2) return true;
  const first = body[0]!;
  return (first & 0x0f) === 8 && ((first << 8) | body[1]!) % 31 === 0;
}

/** Where a decoded stream goes: the transport's call, which passes it to the body consumer. */
export interface DecodedSink {
  /** Return false to stop the decoder's output until `StreamDecoder.resume()`. */
  onDecodedData(chunk: Buffer): boolean;
  onDecodedEnd(): void;
  /** The compressed data was corrupt: the zlib error. */
  onDecodedError(error: Error): void;
  /** The decoder has room again for compressed input (after `write` returned false). */
  onDecoderDrain(): void;
}

/**
 * A compressed body stream, decoded as it arrives. Backpressure runs both ways: a sink that
 * returns false pauses the decoder's output, and a decoder whose input buffer is full makes
 * `write` return false so the caller pauses the upstream until `onDecoderDrain`.
 */
export class StreamDecoder {
  private zlib: Transform | null = null;

  constructor(private readonly coding: ContentCoding, private readonly sink: DecodedSink) {}

  /** False when the decoder holds enough input: pause the upstream until `onDecoderDrain`. */
  write(chunk: Buffer): boolean {
    // Created at the first chunk, which tells zlib-wrapped deflate from raw deflate.
    const decoder = this.zlib ?? this.create(chunk);
    return decoder.write(chunk);
  }

  end(): void {
    // An empty body is empty, whatever its label says (zlib would call it truncated).
    if (this.zlib === null) this.sink.onDecodedEnd();
    else this.zlib.end();
  }

  /** The sink wants output again. */
  resume(): void {
    this.zlib?.resume();
  }

  /** Stops decoding; the sink hears nothing more. */
  destroy(): void {
    const decoder = this.zlib;
    if (decoder === null) return;
    decoder.removeAllListeners();
    // A late zlib error after the call has ended has no one to go to.
    decoder.on('error', ignore);
    decoder.destroy();
  }

  private create(first: Buffer): Transform {
    const options = { chunkSize: 64 * 1024, writableHighWaterMark: 64 * 1024 };
    const decoder =
      this.coding === 'gzip'
        ? zlib.createGunzip(options)
        : this.coding === 'br'
          ? zlib.createBrotliDecompress(options)
          : hasZlibHeader(first)
            ? zlib.createInflate(options)
            : zlib.createInflateRaw(options);
    const sink = this.sink;
    decoder.on('data', (chunk: Buffer) => {
      if (!sink.onDecodedData(chunk)) decoder.pause();
    });
    decoder.on('end', () => sink.onDecodedEnd());
    decoder.on('error', (error: Error) => sink.onDecodedError(error));
    decoder.on('drain', () => sink.onDecoderDrain());
    this.zlib = decoder;
    return decoder;
  }
}

function ignore(): void {}
