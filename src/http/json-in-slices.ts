/**
 * `JSON.parse` of a UTF-8 request body, in slices when the body holds a long `messages` list: one
 * call on 24 MB and 800,000 messages (and the decoding of its 24 MB into one string before it)
 * holds the event loop for most of a second. The body's bytes are scanned once (strings skipped
 * with `indexOf`) to find the `messages` array and cut it between elements every few thousand; the
 * body without it and each cut are then decoded and parsed on their own, with a pause between them.
 * Cuts fall on ASCII punctuation outside strings, so no character is split, and the value is the
 * one `JSON.parse` of the whole decoded text gives; whatever it would refuse is refused: anything
 * the scan does not understand (a second `messages` key, an empty element, a string that does not
 * end) is left to `JSON.parse` of the whole text.
 */
import type { Steps } from '../yielding.js';

export interface JsonSlicing {
  /** Shorter bodies are parsed at once: one `JSON.parse` of 1 MB takes a few milliseconds. */
  fromLength: number;
  /** Messages per parsed slice: a few milliseconds of work. */
  messagesPerSlice: number;
}

export const JSON_SLICING: JsonSlicing = { fromLength: 1024 * 1024, messagesPerSlice: 4096 };

/** Bytes scanned between two pauses. */
const BYTES_PER_SCAN = 2 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The JSON value of UTF-8 bytes (a byte order mark is skipped); throws as JSON.parse does. */
export function* parseJsonInSlices(bytes: Buffer, slicing: JsonSlicing = JSON_SLICING): Steps<unknown> {
  const from = bytes.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0;
  if (bytes.length < slicing.fromLength) return JSON.parse(bytes.toString('utf8', from));
  const cuts = yield* messagesCuts(bytes, from, slicing.messagesPerSlice);
  if (cuts === undefined) return JSON.parse(bytes.toString('utf8', from));
  const start = cuts[0]!;
  const end = cuts.at(-1)! + 1;
  const body = JSON.parse(`${bytes.toString('utf8', from, start)}[]${bytes.toString('utf8', end)}`) as Record<string, unknown>;
  const messages: unknown[] = [];
  for (let cut = 0; cut < cuts.length - 1; cut++) {
    yield;
    const slice = JSON.parse(`[${bytes.toString('utf8', cuts[cut]! + 1, cuts[cut + 1])}]`) as unknown[];
    for (const message of slice) messages.push(message);
  }
  body.messages = messages;
  return body;
}

/**
 * Where to cut the body's `messages` array: its `[`, a comma after every `perSlice` elements, and
 * its `]`. Undefined when the body is not an object with one such array of more than one slice.
 */
function* messagesCuts(bytes: Buffer, from: number, perSlice: number): Steps<number[] | undefined> {
  let at = skipWhitespace(bytes, from);
  if (bytes[at] !== OPEN_BRACE) return undefined;
  let depth = 0;
  /** At depth 1, the next string is one of the body's keys; `valueOfMessages`: the last one read was `messages`. */
  let expectKey = false;
  let valueOfMessages = false;
  let messagesKeys = 0;
  let cuts: number[] | undefined;
  let inMessages = false;
  let elements = 0;
  let elementStarted = false;
  let pauseAt = from + BYTES_PER_SCAN;
  while (at < bytes.length) {
    if (at >= pauseAt) {
      yield;
      pauseAt = at + BYTES_PER_SCAN;
    }
    const code = bytes[at]!;
    if (code === QUOTE) {
      const after = stringEnd(bytes, at);
      if (after === -1) return undefined;
      if (depth === 1 && expectKey) {
        valueOfMessages = isMessagesKey(bytes, at, after);
        // A second `messages` key: JSON.parse keeps the last value, whatever its type.
        if (valueOfMessages && ++messagesKeys > 1) return undefined;
        expectKey = false;
      } else if (inMessages && depth === 2) {
        elementStarted = true;
      }
      at = after;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (inMessages && depth === 2) elementStarted = true;
      depth++;
      if (depth === 1) expectKey = true;
      else if (depth === 2 && code === OPEN_BRACKET && valueOfMessages) {
        cuts = [at];
        inMessages = true;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (inMessages && depth === 2) {
        if (code !== CLOSE_BRACKET || (elements > 0 && !elementStarted)) return undefined;
        if (elementStarted) elements++;
        cuts!.push(at);
        inMessages = false;
      }
      depth--;
      if (depth === 0) break;
    } else if (code === COMMA) {
      if (depth === 1) expectKey = true;
      else if (inMessages && depth === 2) {
        if (!elementStarted) return undefined;
        elements++;
        elementStarted = false;
        if (elements % perSlice === 0) cuts!.push(at);
      }
    } else if (inMessages && depth === 2 && !isWhitespace(code)) {
      elementStarted = true;
    }
    at++;
  }
  if (cuts === undefined || inMessages || elements <= perSlice) return undefined;
  return cuts;
}

/** The index after the closing quote of the string that opens at `at`, or -1 when it does not close. */
function stringEnd(bytes: Buffer, at: number): number {
  let close = bytes.indexOf(QUOTE, at + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (bytes[close - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = bytes.indexOf(QUOTE, close + 1);
  }
  return -1;
}

/** Whether the string literal from `start` to `end` (quotes included) is the key `messages`, however escaped. */
function isMessagesKey(bytes: Buffer, start: number, end: number): boolean {
  if (end - start === 10 && bytes.toString('latin1', start, end) === '"messages"') return true;
  // Escaped, `messages` is at most 8 escapes of 6 bytes and its quotes.
  if (end - start > 50 || !bytes.subarray(start, end).includes(BACKSLASH)) return false;
  try {
    return JSON.parse(bytes.toString('utf8', start, end)) === 'messages';
  } catch {
    return false;
  }
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isWhitespace(bytes[at]!)) at++;
  return at;
}
