/**
 * A client's request body as it is sent upstream: piped through as it arrives, never collected, at
 * the pace the upstream takes it (the client's socket is paused meanwhile). A compressed body
 * (gzip, deflate, br) is decoded on the way, as the JSON routes decode theirs. The upstream side is
 * a stream of its own, so that what the transport does with it (undici destroys a body it is done
 * with, also one the upstream answered before reading) never touches the client's connection.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ClientGoneError, InvalidRequestError, type ApiError } from '../errors.js';

export interface ClientUpload {
  /** What the transport reads. */
  body: Transform;
  /** The length to declare upstream: the client's, when the body is passed on undecoded. */
  contentLength: string | undefined;
  /**
   * Why the body broke off on the client's side (the client left, or sent a corrupt compressed
   * body): the transport only sees a body that failed, this says whose fault it was.
   */
  failure(): ApiError | ClientGoneError | undefined;
}

/** The request's body, or undefined when it has none (no `content-length` above 0, not chunked). */
export function clientUpload(request: IncomingMessage): ClientUpload | undefined {
  const declared = request.headers['content-length'];
  if (request.headers['transfer-encoding'] === undefined && !(Number(declared) > 0)) return undefined;
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  const body = decoderFor(encoding);
  let failure: ApiError | ClientGoneError | undefined;
  const fail = (error: ApiError | ClientGoneError): void => {
    failure ??= error;
    body.destroy(failure);
  };
  // Always listened to: the transport stops listening once its request is over.
  body.on('error', (error: Error & { code?: string }) => {
    if (error.code?.startsWith('Z_')) failure ??= new InvalidRequestError('The request body could not be decompressed.');
  });
  request.once('aborted', () => fail(new ClientGoneError()));
  request.once('error', () => fail(new ClientGoneError()));
  request.pipe(body);
  return { body, contentLength: encoding === 'identity' ? declared : undefined, failure: () => failure };
}

function decoderFor(encoding: string): Transform {
  switch (encoding) {
    case 'identity':
      return new PassThrough();
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new InvalidRequestError(`Unsupported content encoding "${encoding}".`, { status: 415 });
  }
}
