import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { readUpstreamEvents } from '../../src/stream/sse-events.js';
import { hasSharedFixtures, recordedStreams } from '../helpers/recorded-fixtures.js';
import { byteSource, encode, readAll, readUntilError, splitEvery, splitInsideCharacters, splits } from './byte-streams.js';
import { CREATED_AT, joinedContent, MODEL, runReducer } from './stream-events.js';

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

describe('readUpstreamEvents: any chunking gives the same events', () => {
  it('really cuts inside multi-byte characters', () => {
    expect(splitInsideCharacters(encode(greeting)).length).toBeGreaterThan(5);
  });

  describe.each(inputs)('%s', (_name, text, expected) => {
    it.each(splits)('parses the stream cut %s', async (_split, cut) => {
      expect(await readAll(cut(encode(text)))).toEqual(expected);
    });
  });

  it.each(splits)('gives the reducer the same chunks when cut %s', async (_split, cut) => {
    const whole = runReducer(await readAll([encode(wire)])).chunks;
    const pieces = runReducer(await readAll(cut(encode(wire)))).chunks;
    expect(pieces).toEqual(whole);
    expect(joinedContent(pieces)).toBe(greeting + question);
  });
});

describe.skipIf(!hasSharedFixtures)('readUpstreamEvents over every recorded stream', () => {
  const recorded = (hasSharedFixtures ? recordedStreams() : []).map((stream) => ({
    ...stream,
    label: `${stream.name} #${stream.interactionIndex}`,
  }));

  describe.each(recorded)('$label', ({ sseText, events: recordedEvents }) => {
    const crlf = (bytes: Uint8Array) => splitEvery(encode(new TextDecoder().decode(bytes).replaceAll('\n', '\r\n')), 7);
    const cuts = [...splits, ['with CRLF line endings, every 7 bytes', crlf] as const];

    it.each(cuts)('parses the recorded events and feeds the reducer identically, cut %s', async (_split, cut) => {
      const events = await readAll(cut(encode(sseText)));
      expect(events).toEqual(recordedEvents);
      expect(runReducer(events).chunks).toEqual(runReducer(recordedEvents).chunks);
    });
  });
});

describe('readUpstreamEvents: broken upstreams', () => {
  it.each([
    ['invalid JSON', 'data: {"type": "response.output_text.delta", \n\n'],
    ['a JSON number', 'data: 42\n\n'],
    ['a JSON array', 'data: [{"type":"response.created"}]\n\n'],
    ['JSON null', 'data: null\n\n'],
  ])('fails with 502 upstream_protocol_error on %s, after yielding the events before it', async (_name, bad) => {
    const source = byteSource([encode(frame(events[0]!) + bad), encode(frame(events[1]!)), encode(frame(events[2]!))]);
    const { events: read, error } = await readUntilError(source.stream);
    expect(read).toEqual([events[0]]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_protocol_error' });
    await vi.waitFor(() => expect(source.cancel).toHaveBeenCalledOnce());
  });

  it('fails with 504 upstream_idle_timeout when the upstream stalls, and cancels it', async () => {
    const source = byteSource([encode(frame(events[0]!))], { stall: true });
    const started = Date.now();
    const { events: read, error } = await readUntilError(source.stream, 50);
    expect(read).toEqual([events[0]]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 504, code: 'upstream_idle_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    await vi.waitFor(() => expect(source.cancel).toHaveBeenCalledOnce());
  });

  it('times out on silence between reads, not on the length of the whole stream', async () => {
    const source = byteSource(events.map((event) => encode(frame(event))), { delayMs: 20 });
    const { events: read, error } = await readUntilError(source.stream, 50);
    expect(error).toBeUndefined();
    expect(read).toEqual(events);
  });

  it('treats an idle timeout beyond the longest Node timer as that longest timer, not as 1 ms', async () => {
    const source = byteSource(events.map((event) => encode(frame(event))), { delayMs: 20 });
    const { events: read, error } = await readUntilError(source.stream, 2 ** 32);
    expect(error).toBeUndefined();
    expect(read).toEqual(events);
  });

  it('fails with 502 when the connection breaks mid-stream', async () => {
    const source = byteSource([encode(frame(events[0]!) + frame(events[1]!).slice(0, 20))], { failWith: new TypeError('terminated') });
    const { events: read, error } = await readUntilError(source.stream);
    expect(read).toEqual([events[0]]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_broken' });
  });

  it('cancels the upstream body when the consumer stops early', async () => {
    const source = byteSource(events.map((event) => encode(frame(event))));
    for await (const event of readUpstreamEvents(source.stream, 5_000)) {
      expect(event).toEqual(events[0]);
      break;
    }
    await vi.waitFor(() => expect(source.cancel).toHaveBeenCalledOnce());
  });

  it('stops reading and cancels the upstream body at [DONE]', async () => {
    const source = byteSource([encode(`${frame(events[0]!)}data: [DONE]\n\n`)], { stall: true });
    const { events: read, error } = await readUntilError(source.stream, 5_000);
    expect({ read, error }).toEqual({ read: [events[0]], error: undefined });
    await vi.waitFor(() => expect(source.cancel).toHaveBeenCalledOnce());
  });
});
