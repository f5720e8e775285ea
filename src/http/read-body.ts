import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ApiError, InvalidRequestError } from '../errors.js';
import { concatInSlices, runInSlices } from '../yielding.js';
import { JSON_SLICING, parseJsonInSlices } from './json-in-slices.js';

/** What a request body may take: its size (after decompression), and the time to receive it. */
export interface BodyLimits {
  bytes: number;
  /** From the moment the body is asked for; past it, 408 and the connection is closed. */
  timeoutMs: number;
}

/**
 * Reads a JSON request body within `limits.bytes` bytes (after decompression: a small gzip body
 * cannot inflate past it) and `limits.timeoutMs` (an upload that stops before its end holds memory
 * and a socket: it gets a 408 and its connection is closed). Any content type is read as JSON,
 * since hand-written curl loops often omit it. `content-encoding` gzip, deflate and br are undone;
 * charsets other than UTF-8 are decoded when they are a UTF; an empty body is `{}` (so the missing
 * fields are named). Errors are the client's, in the OpenAI shape.
 */
export async function readJsonBody(request: IncomingMessage, limits: BodyLimits): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limits.bytes) {
    request.resume();
    throw tooLarge();
  }
  const charset = charsetOf(request.headers['content-type']);
  const source = decoded(request);
  const body = await collect(source, limits, request);
  if (body.length === 0) return {};
  return parse(body, charset);
}

/** A body as it arrived: its pieces, joined only once it is known how. */
interface Collected {
  chunks: Buffer[];
  length: number;
}

function tooLarge(): InvalidRequestError {
  return new InvalidRequestError('The request body is too large.', { status: 413, code: 'request_too_large' });
}

/** The connection goes with the answer: the rest of a body that stalled is not worth waiting for. */
function tooSlow(timeoutMs: number): InvalidRequestError {
  return new InvalidRequestError(`The request body was not received within ${timeoutMs} ms.`, {
    status: 408,
    code: 'request_timeout',
    headers: { connection: 'close' },
  });
}

function unparsable(): InvalidRequestError {
  return new InvalidRequestError('We could not parse the JSON body of your request. The body must be valid JSON.');
}

function decoded(request: IncomingMessage): IncomingMessage | Transform {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  let decoder: Transform;
  switch (encoding) {
    case 'identity':
      return request;
    case 'gzip':
    case 'x-gzip':
      decoder = createGunzip();
      break;
    case 'deflate':
      decoder = createInflate();
      break;
    case 'br':
      decoder = createBrotliDecompress();
      break;
    default:
      request.resume();
      throw new InvalidRequestError(`Unsupported content encoding "${encoding}".`, { status: 415 });
  }
  request.pipe(decoder);
  request.once('error', (error) => decoder.destroy(error));
  return decoder;
}

function collect(source: IncomingMessage | Transform, limits: BodyLimits, request: IncomingMessage): Promise<Collected> {
  return new Promise<Collected>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const deadline = setTimeout(() => fail(tooSlow(limits.timeoutMs)), limits.timeoutMs);
    const fail = (error: ApiError): void => {
      cleanup();
      if (source !== request) source.destroy();
      // The rest of the body is read and dropped, so the connection can serve the next request.
      request.resume();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > limits.bytes) fail(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ chunks, length });
    };
    const onError = (error: Error & { code?: string }): void => {
      // A broken compressed body is the client's; a reset connection leaves nobody to answer.
      fail(error.code?.startsWith('Z_') ? new InvalidRequestError('The request body could not be decompressed.') : unparsable());
    };
    const onAborted = (): void => fail(new InvalidRequestError('The request body was cut off.', { status: 400 }));
    const cleanup = (): void => {
      clearTimeout(deadline);
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      request.off('aborted', onAborted);
    };
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    request.once('aborted', onAborted);
  });
}

/** The charset of a `content-type`, lower-case; UTF-8 when none is named. */
function charsetOf(contentType: string | undefined): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : 'utf-8';
}

async function parse({ chunks, length }: Collected, charset: string): Promise<unknown> {
  if (charset === 'utf-8' || charset === 'utf8') {
    // A large body is joined and parsed in slices (a long message list): other requests are answered meanwhile.
    const bytes = length < JSON_SLICING.fromLength ? Buffer.concat(chunks, length) : await runInSlices(concatInSlices(chunks));
    if (!startsAsJson(bytes)) throw unparsable();
    try {
      return await runInSlices(parseJsonInSlices(bytes));
    } catch {
      throw unparsable();
    }
  }
  if (!charset.startsWith('utf-')) throw new InvalidRequestError(`Unsupported charset "${charset.toUpperCase()}".`, { status: 415 });
  let text: string;
  try {
    text = new TextDecoder(charset).decode(Buffer.concat(chunks, length));
  } catch {
    throw new InvalidRequestError(`Unsupported charset "${charset.toUpperCase()}".`, { status: 415 });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Only an object or an array is a JSON body (a bare string or number is not).
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw unparsable();
  try {
    return JSON.parse(text);
  } catch {
    throw unparsable();
  }
}

/**
 * Whether UTF-8 bytes begin (after a byte order mark and JSON whitespace) as an object or an array:
 * only those are JSON bodies (a bare string or number is not). Any other first character makes the
 * body unparsable, as the decoded text would be.
 */
function startsAsJson(bytes: Buffer): boolean {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09) at++;
  return bytes[at] === 0x7b || bytes[at] === 0x5b;
}
