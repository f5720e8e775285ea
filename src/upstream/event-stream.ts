/**
 * Upstream SSE bytes to Responses events, pushed as they arrive: no web streams, no copy of a
 * whole read. Lines are found with `indexOf` on the Buffer and decoded one field at a time, so a
 * UTF-8 character is never split (a newline byte cannot sit inside one). Any chunking gives the
 * same events: split lines, split characters, CRLF, CR, a byte order mark. Comments (`: keepalive`)
 * are not events: they reach `onEvent` as nothing and do not count as progress (`lastProgressAt`),
 * while the bytes of an event do, however slowly they drip in.
 */
import { UpstreamProtocolError } from '../errors.js';
import type { RawUpstreamEvent } from '../types/responses-upstream.js';
import { isSilentEvent } from '../stream/silent-events.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const DATA = Buffer.from('data');
const EVENT = Buffer.from('event');

/** The line is `name:…` (or just `name`). */
function isField(bytes: Buffer, start: number, end: number, name: Buffer): boolean {
  const after = start + name.length;
  if (after > end || (after < end && bytes[after] !== COLON)) return false;
  for (let index = 0; index < name.length; index++) if (bytes[start + index] !== name[index]) return false;
  return true;
}

/** The value after `name:`, without the one optional space. */
function fieldValue(bytes: Buffer, colon: number, end: number): string {
  let start = colon + 1;
  if (start < end && bytes[start] === SPACE) start++;
  return start < end ? bytes.toString('utf8', start, end) : '';
}

export interface EventStreamListener {
  /** One event, parsed. Silent events (that carry nothing for a Chat client) arrive as their type only. */
  onEvent(event: RawUpstreamEvent): void;
  /** A `data: [DONE]` line (sent by some relays): the stream is over. */
  onDone(): void;
}

/**
 * Splits SSE bytes into events and parses each one. `push` may throw UpstreamProtocolError: an
 * event that is not a JSON object, or a line or event longer than `maxEventBytes`.
 */
export class EventStreamReader {
  /** Bytes of a line not yet ended, kept from earlier reads (joined once the line ends). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipLineFeed = false;
  private atStart = true;
  private eventType: string | undefined;
  private data: string | undefined;
  private eventBytes = 0;
  private done = false;
  private progressed = false;
  /** When bytes of an event (not of a comment) last arrived: `performance.now()`. */
  lastProgressAt = performance.now();

  constructor(
    private readonly listener: EventStreamListener,
    private readonly maxEventBytes: number,
  ) {}

  /** Whether a `[DONE]` line has been read: later bytes are ignored. */
  get finished(): boolean {
    return this.done;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    this.splitLines(chunk);
    if (this.progressed) {
      this.progressed = false;
      this.lastProgressAt = performance.now();
    }
  }

  private splitLines(chunk: Buffer): void {
    let bytes = chunk;
    if (this.partialBytes > 0) {
      // Still inside one long line: keep the piece, join nothing yet (an endless line stays linear).
      if (chunk.indexOf(LF) === -1 && chunk.indexOf(CR) === -1) {
        this.keepPartial(chunk, 0);
        return;
      }
      bytes = Buffer.concat([...this.partial, chunk]);
      this.partial = [];
      this.partialBytes = 0;
    }
    let start = 0;
    if (this.atStart) {
      if (bytes.length < BOM.length && BOM.subarray(0, bytes.length).equals(bytes)) {
        this.keepPartial(bytes, 0);
        return;
      }
      this.atStart = false;
      if (bytes.subarray(0, BOM.length).equals(BOM)) start = BOM.length;
    }
    if (this.skipLineFeed) {
      this.skipLineFeed = false;
      if (bytes[start] === LF) start++;
    }
    // CR alone ends a line too; most streams have none, so one search usually settles it.
    let nextCr = bytes.indexOf(CR, start);
    while (start < bytes.length && !this.done) {
      let end = bytes.indexOf(LF, start);
      if (nextCr !== -1 && nextCr < start) nextCr = bytes.indexOf(CR, start);
      let crEnded = false;
      if (nextCr !== -1 && (end === -1 || nextCr < end)) {
        end = nextCr;
        crEnded = true;
      }
      if (end === -1) {
        this.keepPartial(bytes, start);
        return;
      }
      this.line(bytes, start, end);
      start = end + 1;
      if (crEnded) {
        if (start === bytes.length) this.skipLineFeed = true;
        else if (bytes[start] === LF) start++;
      }
    }
  }

  /** The body ended: an event without its final blank line still counts. */
  end(): void {
    if (this.done) return;
    if (this.partialBytes > 0) {
      const rest = Buffer.concat(this.partial);
      this.partial = [];
      this.partialBytes = 0;
      this.line(rest, 0, rest.length);
    }
    this.dispatch();
  }

  private keepPartial(bytes: Buffer, start: number): void {
    const lineStart = this.partialBytes === 0 ? bytes[start] : this.partial[0]![0];
    if (lineStart !== COLON) this.progressed = true;
    this.partialBytes += bytes.length - start;
    this.checkSize(this.eventBytes + this.partialBytes);
    // A copy: the caller's buffer may be reused, and a slice would pin all of it.
    this.partial.push(Buffer.from(bytes.subarray(start)));
  }

  private line(bytes: Buffer, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    this.eventBytes += end - start;
    this.checkSize(this.eventBytes);
    if (bytes[start] === COLON) return; // a comment
    this.progressed = true;
    // Only two fields matter, so the name is matched byte by byte (no search, no string).
    if (isField(bytes, start, end, DATA)) {
      const value = fieldValue(bytes, start + DATA.length, end);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    } else if (isField(bytes, start, end, EVENT)) {
      this.eventType = fieldValue(bytes, start + EVENT.length, end);
    }
    // `id`, `retry` and unknown fields mean nothing here.
  }

  private dispatch(): void {
    const { eventType, data } = this;
    this.eventType = undefined;
    this.data = undefined;
    this.eventBytes = 0;
    if (data === undefined) return;
    if (data === '[DONE]') {
      this.done = true;
      this.listener.onDone();
      return;
    }
    // `data:` with nothing after it (a relay's keepalive) is an empty message, not an event.
    if (isBlank(data)) return;
    // An event the translator ignores is not parsed at all.
    if (eventType !== undefined && isSilentEvent(eventType)) {
      this.listener.onEvent({ type: eventType });
      return;
    }
    this.listener.onEvent(parseEvent(data, eventType));
  }

  private checkSize(bytes: number): void {
    if (bytes > this.maxEventBytes) {
      throw new UpstreamProtocolError(`The upstream sent an event larger than ${this.maxEventBytes} bytes.`, 'upstream_too_large');
    }
  }
}

function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  // JSON starts with `{` at once in practice: only then is the whole text looked at.
  if (first !== 0x20 && first !== 0x09 && first !== 0x0a && first !== 0x0d) return false;
  return text.trim() === '';
}

function parseEvent(data: string, eventType: string | undefined): RawUpstreamEvent {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    throw new UpstreamProtocolError('The upstream sent an event that is not valid JSON.', 'upstream_protocol_error');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new UpstreamProtocolError('The upstream sent an event that is not a JSON object.', 'upstream_protocol_error');
  }
  const parsed = event as RawUpstreamEvent;
  // Some recorders and relays drop `event:` lines; others drop the type from the JSON.
  if (typeof parsed.type !== 'string' && eventType) parsed.type = eventType;
  return parsed;
}

/**
 * Whether SSE bytes carry anything but comments and blank lines, without keeping any of them:
 * the idle watch of a stream passed on as it is (its lines may be of any length).
 */
export class SseProgress {
  private atLineStart = true;
  private inComment = false;
  /** When bytes of an event (not of a comment) last arrived: `performance.now()`. */
  lastProgressAt = performance.now();

  push(chunk: Buffer): void {
    let progressed = false;
    let start = 0;
    while (start < chunk.length) {
      let end = chunk.indexOf(LF, start);
      if (end === -1) end = chunk.length;
      if (this.atLineStart && end > start) this.inComment = chunk[start] === COLON;
      if (!this.inComment && end > start && !(end - start === 1 && chunk[start] === CR)) progressed = true;
      this.atLineStart = end < chunk.length;
      start = end + 1;
    }
    if (progressed) this.lastProgressAt = performance.now();
  }
}

