import type { ApiError } from './errors.js';

const CENSOR = '[redacted]';
/** A few characters would match ordinary words; real keys are far longer. */
const SHORTEST_SECRET = 8;

/**
 * The one redaction of secrets the adapter knows (the upstream key, the client keys, and the key a
 * client presented) from every string that leaves the adapter or reaches a log: error messages,
 * params, codes and types, whether they came from an HTTP error, a failed Response or a stream
 * `error` event, and error bodies passed through. Some relays quote a bad or even a good key in full.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    this.secrets = spellings(secrets);
  }

  /** The text with every known secret, and the key in `authorization`, replaced. */
  text(text: string, authorization?: string): string {
    let redacted = text;
    for (const secret of this.secretsWith(authorization)) {
      if (redacted.includes(secret)) redacted = redacted.replaceAll(secret, CENSOR);
    }
    return redacted;
  }

  /** The error itself when it quotes no secret, otherwise a copy with every field redacted. */
  error<E extends ApiError>(error: E, authorization?: string): E {
    const message = this.text(error.message, authorization);
    const type = this.text(error.type, authorization);
    const param = error.param === null ? null : this.text(error.param, authorization);
    const code = error.code === null ? null : this.text(error.code, authorization);
    if (message === error.message && type === error.type && param === error.param && code === error.code) return error;
    return error.with({ message, type, param, code });
  }

  /** An unexpected error as it may be logged: message and stack redacted. */
  unexpected(error: Error, authorization?: string): Error {
    const message = this.text(error.message, authorization);
    const stack = error.stack === undefined ? undefined : this.text(error.stack, authorization);
    if (message === error.message && stack === error.stack) return error;
    const copy = new Error(message);
    copy.name = error.name;
    copy.stack = stack;
    return copy;
  }

  /** Bytes passed on as they are unless they quote a secret. */
  bytes(body: Uint8Array, authorization?: string): Uint8Array {
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (!this.secretsWith(authorization).some((secret) => buffer.includes(secret))) return body;
    return Buffer.from(this.text(buffer.toString('utf8'), authorization));
  }

  /**
   * A redactor for a body that arrives in pieces: a secret split across two pieces is still found.
   * Only a tail that could begin a secret is held back, so an SSE frame (ending in a newline, which
   * no key contains) passes on at once.
   */
  stream(authorization?: string): StreamRedactor {
    return new StreamRedactor(this.secretsWith(authorization));
  }

  private secretsWith(authorization: string | undefined): string[] {
    const presented = bearerToken(authorization);
    if (presented === undefined || this.secrets.includes(presented)) return this.secrets;
    return [...this.secrets, ...spellings([presented])];
  }
}

export class StreamRedactor {
  private held = Buffer.alloc(0);
  private readonly secrets: Buffer[];
  private readonly longest: number;

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.map((secret) => Buffer.from(secret));
    this.longest = Math.max(0, ...this.secrets.map((secret) => secret.length));
  }

  /** What can be passed on now. */
  push(piece: Uint8Array): Buffer {
    if (this.secrets.length === 0) return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let buffer = this.held.length === 0 ? Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength) : Buffer.concat([this.held, piece]);
    buffer = this.replace(buffer);
    const keep = this.heldTail(buffer);
    this.held = keep === 0 ? Buffer.alloc(0) : Buffer.from(buffer.subarray(buffer.length - keep));
    return buffer.subarray(0, buffer.length - keep);
  }

  /** The rest, once the body has ended. */
  end(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }

  private replace(buffer: Buffer): Buffer {
    let out = buffer;
    for (const secret of this.secrets) {
      let at = out.indexOf(secret);
      if (at < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        parts.push(out.subarray(from, at), Buffer.from(CENSOR));
        from = at + secret.length;
        at = out.indexOf(secret, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** The length of the longest end of `buffer` that is the beginning of some secret. */
  private heldTail(buffer: Buffer): number {
    const window = Math.min(buffer.length, this.longest - 1);
    for (let start = buffer.length - window; start < buffer.length; start++) {
      const length = buffer.length - start;
      for (const secret of this.secrets) {
        if (secret[0] === buffer[start] && secret.length > length && secret.compare(buffer, start, buffer.length, 0, length) === 0) return length;
      }
    }
    return 0;
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  return token.length >= SHORTEST_SECRET ? token : undefined;
}

/** Each secret as written, and as a URL or a JSON string would spell it when that differs. */
function spellings(secrets: Iterable<string | undefined>): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < SHORTEST_SECRET) continue;
    out.add(secret);
    out.add(encodeURIComponent(secret));
    out.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a key that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}
