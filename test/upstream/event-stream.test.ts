import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { isSilentEvent } from '../../src/stream/silent-events.js';
import type { RawUpstreamEvent } from '../../src/types/responses-upstream.js';
import { EventStreamReader } from '../../src/upstream/event-stream.js';
import { hasSharedFixtures, recordedStreams } from '../helpers/recorded-fixtures.js';
import { CREATED_AT, joinedContent, MODEL, runReducer } from '../stream/stream-events.js';
import { encode, readAll, readPieces, splitEvery, splitInsideCharacters, splits } from './byte-pieces.js';

const typeOnlyIfSilent = (event: RawUpstreamEvent): RawUpstreamEvent => (isSilentEvent(event.type) ? { type: event.type } : event);

const greeting = 'Héllo, 世界! 👋🏽 ';
const question = 'ça va? Ünïcödé ✓ 日本語';
const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text: greeting + question, annotations: [] }],
};
const snapshot = { id: 'resp_1', object: 'response', created_at: CREATED_AT, model: MODEL, status: 'in_progress', output: [] };
const location = { item_id: 'msg_1', output_index: 0, content_index: 0 };

const events = [
  { type: 'response.created', sequence_number: 0, response: snapshot },
  {
    type: 'response.output_item.added',
    sequence_number: 1,
    output_index: 0,
    item: { ...message, status: 'in_progress', content: [] },
  },
  { type: 'response.output_text.delta', sequence_number: 2, ...location, delta: greeting, logprobs: [] },
  { type: 'response.output_text.delta', sequence_number: 3, ...location, delta: question, logprobs: [] },
  {
    type: 'response.completed',
    sequence_number: 4,
    response: { ...snapshot, status: 'completed', output: [message], usage: { input_tokens: 3, output_tokens: 9, total_tokens: 12 } },
  },
];

const frame = (event: Record<string, unknown>) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
const wire = events.map(frame).join('');
const withKeepalives = `: keepalive\n\n${events.map((event) => `: keepalive\nid: 7\nretry: 100\n${frame(event)}`).join(': ping\n\n')}`;
const dataLines = (json: string) => json.split('\n').map((line) => `data: ${line}\n`).join('');
const multiLineData = events.map((event) => `${dataLines(JSON.stringify(event, null, 1))}\n`).join('');

const inputs: Array<[string, string, Array<Record<string, unknown>>]> = [
  ['LF with event lines', wire, events],
  ['CRLF line endings', wire.replaceAll('\n', '\r\n'), events],
  ['CR line endings', wire.replaceAll('\n', '\r'), events],
  ['a byte order mark', `\uFEFF${wire}`, events],
  ['no event lines', events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''), events],
  ['keepalive comments, id and retry lines', withKeepalives, events],
  ['empty data lines (keepalives)', `data:\n\n${events.map(frame).join('data: \n\n')}`, events],
  ['a last event without the final blank line', wire.slice(0, -2), events],
  ['a last event without any final newline', wire.slice(0, -1), events],
  ['a [DONE] line (some relays)', `${wire}data: [DONE]\n\n${frame({ type: 'response.output_text.delta', delta: 'after done' })}`, events],
  ['JSON spread over several data lines', multiLineData, events],
  [
    'a type given only by the event line',
    `event: response.in_progress\ndata: {"sequence_number":1}\n\n`,
    [{ type: 'response.in_progress', sequence_number: 1 }],
  ],
];

describe('EventStreamReader: any chunking gives the same events', () => {
  it('really cuts inside multi-byte characters', () => {
    expect(splitInsideCharacters(encode(greeting)).length).toBeGreaterThan(5);
  });

  describe.each(inputs)('%s', (_name, text, expected) => {
    it.each(splits)('parses the stream cut %s', (_split, cut) => {
      expect(readAll(cut(encode(text)))).toEqual(expected);
    });
  });

  it.each(splits)('gives the reducer the same chunks when cut %s', (_split, cut) => {
    const whole = runReducer(readAll([encode(wire)])).chunks;
    const pieces = runReducer(readAll(cut(encode(wire)))).chunks;
    expect(pieces).toEqual(whole);
    expect(joinedContent(pieces)).toBe(greeting + question);
  });
});

describe.skipIf(!hasSharedFixtures)('EventStreamReader over every recorded stream', () => {
  const recorded = (hasSharedFixtures ? recordedStreams() : []).map((stream) => ({
    ...stream,
    label: `${stream.name} #${stream.interactionIndex}`,
  }));

  describe.each(recorded)('$label', ({ sseText, events: recordedEvents }) => {
    const crlf = (bytes: Uint8Array) => splitEvery(encode(new TextDecoder().decode(bytes).replaceAll('\n', '\r\n')), 7);
    const cuts = [...splits, ['with CRLF line endings, every 7 bytes', crlf] as const];

    it.each(cuts)('parses the recorded events and feeds the reducer identically, cut %s', (_split, cut) => {
      const events = readAll(cut(encode(sseText)));
      // Events that carry nothing for a Chat client are not parsed: only their type is read.
      expect(events.map(typeOnlyIfSilent)).toEqual(recordedEvents.map(typeOnlyIfSilent));
      expect(runReducer(events).chunks).toEqual(runReducer(recordedEvents).chunks);
    });
  });
});

describe('EventStreamReader: broken upstreams', () => {
  it.each([
    ['invalid JSON', 'data: {"type": "response.output_text.delta", \n\n'],
    ['a JSON number', 'data: 42\n\n'],
    ['a JSON array', 'data: [{"type":"response.created"}]\n\n'],
    ['JSON null', 'data: null\n\n'],
  ])('fails with 502 upstream_protocol_error on %s, after the events before it', (_name, bad) => {
    const { events: read, error } = readPieces([encode(frame(events[0]!) + bad), encode(frame(events[1]!))]);
    expect(read).toEqual([events[0]]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_protocol_error' });
  });

  it('stops at [DONE]: nothing after it is read', () => {
    const outcome = readPieces([encode(`${frame(events[0]!)}data: [DONE]\n\n${frame(events[1]!)}`)]);
    expect(outcome).toEqual({ events: [events[0]], error: undefined, done: true });
  });

  it.each([
    ['one endless line', (piece: string) => piece],
    ['one endless event of many lines', (piece: string) => `${piece}\n`],
  ])('fails with 502 upstream_too_large on %s past the limit, after the events before it', (_name, shape) => {
    const limit = 64 * 1024;
    const pieces = [encode(frame(events[0]!)), encode('data: '), ...Array.from({ length: 100 }, () => encode(shape('x'.repeat(4096))))];
    const { events: read, error } = readPieces(pieces, limit);
    expect(read).toEqual([events[0]]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_too_large' });
  });

  it('keeps an event just under the limit', () => {
    const text = frame({ type: 'response.output_text.delta', delta: 'y'.repeat(60_000) });
    expect(readPieces(splitEvery(encode(text), 1000), text.length).events).toHaveLength(1);
  });
});

describe('EventStreamReader: progress', () => {
  const reader = () => new EventStreamReader({ onEvent: () => {}, onDone: () => {} }, 1 << 20);

  it('is not made by comments or blank lines', async () => {
    const read = reader();
    const before = read.lastProgressAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    read.push(Buffer.from(': keepalive\n\n:ping\n\n'));
    read.push(Buffer.from(': a comment cut in'));
    read.push(Buffer.from(' two reads\n\n'));
    expect(read.lastProgressAt).toBe(before);
  });

  it('is made by every byte of an event, even before the event is complete', async () => {
    const read = reader();
    const bytes = encode(frame(events[0]!));
    let last = read.lastProgressAt;
    for (const piece of splitEvery(bytes, 9)) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      read.push(Buffer.from(piece));
      const blankLineOnly = new TextDecoder().decode(piece).trim() === '';
      if (!blankLineOnly) expect(read.lastProgressAt).toBeGreaterThan(last);
      last = read.lastProgressAt;
    }
  });
});
