import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasSharedFixtures,
  listRecordedFixtures,
  loadRecordedFixture,
  parseSseDataPayloads,
  recordedJsonResponses,
  recordedStreams,
  sharedFixturesDirectory,
} from './recorded-fixtures.js';
import type { RecordedInteraction } from './recorded-fixtures.js';

type Events = Array<Record<string, any>>;

/** Event types in order, run-length encoded, `response.` prefix dropped: `created → output_text.delta×9 → …`. */
function typeSequence(events: Events): string {
  const runs: string[] = [];
  let previous: string | undefined;
  let count = 0;
  const flush = (): void => {
    if (previous !== undefined) runs.push(count > 1 ? `${previous}×${count}` : previous);
  };
  for (const event of events) {
    const type = String(event.type).replace(/^response\./, '');
    if (type === previous) {
      count++;
    } else {
      flush();
      previous = type;
      count = 1;
    }
  }
  flush();
  return runs.join(' → ');
}

function rawFixture(name: string): string {
  return readFileSync(resolve(sharedFixturesDirectory, name), 'utf8');
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function streamOf(interaction: RecordedInteraction | undefined): { sseText: string; events: Events } {
  expect(interaction?.response.sseText).toBeTypeOf('string');
  expect(interaction?.response.events).toBeInstanceOf(Array);
  return { sseText: interaction!.response.sseText!, events: interaction!.response.events! };
}

function countType(events: Events, type: string): number {
  return events.filter((event) => event.type === type).length;
}

describe('parseSseDataPayloads (always runs)', () => {
  it('splits on blank lines, strips one space after data:, joins multi-line data and skips [DONE]', () => {
    const text = 'event: a\r\ndata: {"type":"a",\r\ndata:"n":1}\r\n\r\n: comment\ndata: {"type":"b"}\n\ndata: [DONE]\n\n';
    expect(parseSseDataPayloads(text)).toEqual([{ type: 'a', n: 1 }, { type: 'b' }]);
  });

  it('ignores events without data and keeps a trailing unterminated event', () => {
    expect(parseSseDataPayloads('event: ping\n\n\n\ndata: {"type":"x"}')).toEqual([{ type: 'x' }]);
  });
});

describe('sharedFixturesDirectory', () => {
  it('is an absolute path to <project root>/../shared/fixtures/responses-upstream', () => {
    expect(isAbsolute(sharedFixturesDirectory)).toBe(true);
    expect(sharedFixturesDirectory.replaceAll('\\', '/')).toMatch(/\/shared\/fixtures\/responses-upstream$/);
  });
});

type Expected =
  | { method: string; status: number | undefined; kind: 'json' }
  | { method: string; status: number | undefined; kind: 'stream'; events: number; sequence: string };

const json = (method: string, status: number | undefined): Expected => ({ method, status, kind: 'json' });
const stream = (events: number, sequence: string): Expected => ({
  method: 'POST',
  status: 200,
  kind: 'stream',
  events,
  sequence,
});

const TEXT_MESSAGE = (deltas: number): string =>
  `output_item.added → content_part.added → output_text.delta×${deltas} → output_text.done → content_part.done → output_item.done`;

/** What each recorded file contains, as measured; fixture bytes are pinned by the SHA-256 list in SOURCES.md. */
const EXPECTED: Record<string, Expected[]> = {
  'background-cancel.openai-dotnet.json': [json('POST', 200), json('POST', 200)],
  'background-poll-get.pydantic-ai.yaml': [json('POST', 200), json('GET', 200), json('GET', 200)],
  'background-stream-with-queued-event.pydantic-ai.yaml': [
    stream(17, `created → queued → in_progress → ${TEXT_MESSAGE(8)} → completed`),
  ],
  'custom-tool-stream-roundtrip.pydantic-ai.yaml': [
    stream(
      16,
      'created → in_progress → output_item.added → output_item.done → output_item.added → custom_tool_call_input.delta×8 → custom_tool_call_input.done → output_item.done → completed',
    ),
    stream(
      20,
      'created → in_progress → output_item.added → output_item.done → output_item.added → custom_tool_call_input.delta×12 → custom_tool_call_input.done → output_item.done → completed',
    ),
    stream(61, `created → in_progress → output_item.added → output_item.done → ${TEXT_MESSAGE(51)} → completed`),
  ],
  'function-call-stream.openai-dotnet.json': [
    stream(
      14,
      'created → in_progress → output_item.added → function_call_arguments.delta×8 → function_call_arguments.done → output_item.done → completed',
    ),
  ],
  'http-400-invalid-parameter.pydantic-ai.yaml': [json('POST', 400)],
  'http-error-insufficient-quota.vercel-ai.json': [json('POST', undefined)],
  'incomplete-max-output-tokens.openai-dotnet.json': [json('POST', 200)],
  'json-schema-invalid-schema-400.vercel-ai.json': [json('POST', undefined)],
  'json-schema-output.openai-dotnet.json': [json('POST', 200)],
  'legacy-2025-03-stream-function-call-then-text.pydantic-ai.yaml': [
    stream(
      11,
      'created → in_progress → output_item.added → function_call_arguments.delta×5 → function_call_arguments.done → output_item.done → completed',
    ),
    stream(15, `created → in_progress → ${TEXT_MESSAGE(7)} → completed`),
  ],
  'logprobs-stream.pydantic-ai.yaml': [stream(17, `created → in_progress → ${TEXT_MESSAGE(9)} → completed`)],
  'parallel-function-calls-and-outputs.pydantic-ai.yaml': [json('POST', 200), json('POST', 200)],
  'phase-reasoning-message-function-call-stream.pydantic-ai.yaml': [
    stream(
      33,
      `created → in_progress → output_item.added → output_item.done → ${TEXT_MESSAGE(13)} → output_item.added → function_call_arguments.delta×7 → function_call_arguments.done → output_item.done → completed`,
    ),
    stream(20, `created → in_progress → ${TEXT_MESSAGE(12)} → completed`),
  ],
  'reasoning-summary-nonstream.pydantic-ai.yaml': [json('POST', 200)],
  'reasoning-summary-stream.pydantic-ai.yaml': [
    stream(
      676,
      [
        'created → in_progress → output_item.added',
        ...[86, 100, 101, 96].map(
          (n) => `reasoning_summary_part.added → reasoning_summary_text.delta×${n} → reasoning_summary_text.done → reasoning_summary_part.done`,
        ),
        `output_item.done → ${TEXT_MESSAGE(271)} → completed`,
      ].join(' → '),
    ),
  ],
  'retrieve-delete-then-404.openai-dotnet.json': [
    json('POST', 200),
    json('GET', 200),
    json('DELETE', 200),
    json('GET', 404),
  ],
  'store-false-then-retrieve-404.openai-dotnet.json': [json('POST', 200), json('GET', 404)],
  'stream-error-event-then-failed.vercel-ai.chunks.txt': [
    { method: 'POST', status: undefined, kind: 'stream', events: 4, sequence: 'created → in_progress → error → failed' },
  ],
  'text-stream.openai-dotnet.json': [stream(17, `created → in_progress → ${TEXT_MESSAGE(9)} → completed`)],
  'web-search-annotations-stream.pydantic-ai.yaml': [
    stream(
      23,
      [
        'created → in_progress',
        'output_item.added → web_search_call.in_progress → web_search_call.searching → web_search_call.completed → output_item.done',
        'output_item.added → web_search_call.in_progress → web_search_call.searching → web_search_call.completed → output_item.done',
        'output_item.added → content_part.added → output_text.delta×4 → output_text.annotation.added → output_text.done → content_part.done → output_item.done',
        'completed',
      ].join(' → '),
    ),
    stream(
      20,
      [
        'created → in_progress',
        'output_item.added → web_search_call.in_progress → web_search_call.searching → web_search_call.completed → output_item.done',
        'output_item.added → content_part.added → output_text.delta×6 → output_text.annotation.added → output_text.done → content_part.done → output_item.done',
        'completed',
      ].join(' → '),
    ),
    stream(14, `created → in_progress → ${TEXT_MESSAGE(6)} → completed`),
  ],
};

describe.skipIf(!hasSharedFixtures)('recorded upstream fixtures (../shared)', () => {
  const names = listRecordedFixtures();
  const sources = hasSharedFixtures ? rawFixture('SOURCES.md') : '';

  it('lists exactly the files described in SOURCES.md, all unmodified (SHA-256)', () => {
    // Rows of the "Files" table (the snapshot table above it names repositories, not files).
    const documented = [...sources.matchAll(/^\| `([^`/]+\.(?:json|yaml|txt))` \|/gm)].map((match) => match[1]);
    expect(names).toEqual([...documented].sort());
    expect(names).toEqual(Object.keys(EXPECTED).sort());
    const hashes = new Map([...sources.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2], m[1]]));
    expect([...hashes.keys()].sort()).toEqual(names);
    for (const name of names) {
      const digest = createHash('sha256').update(readFileSync(resolve(sharedFixturesDirectory, name))).digest('hex');
      expect(digest, name).toBe(hashes.get(name));
    }
  });

  it.each(names)('%s loads and matches the measured interactions', (name) => {
    const interactions = loadRecordedFixture(name);
    const expected = EXPECTED[name];
    expect(expected, `no expectation for ${name}`).toBeDefined();
    expect(interactions).toHaveLength(expected!.length);
    interactions.forEach((interaction, index) => {
      const want = expected![index]!;
      const where = `${name}#${index}`;
      expect(interaction.request.method, where).toBe(want.method);
      expect(interaction.request.uri, where).toMatch(/^https:\/\/api\.openai\.com\/v1\/responses/);
      expect(interaction.response.status, where).toBe(want.status);
      if (want.kind === 'json') {
        expect(interaction.response.json, where).toBeTypeOf('object');
        expect(interaction.response.sseText, where).toBeUndefined();
        expect(interaction.response.events, where).toBeUndefined();
      } else {
        expect(interaction.response.json, where).toBeUndefined();
        const { events } = streamOf(interaction);
        expect(events, where).toHaveLength(want.events);
        expect(typeSequence(events), where).toBe(want.sequence);
      }
    });
  });

  it('every recorded request to POST /v1/responses has a body; the body of every streamed reply asked for stream:true', () => {
    for (const name of names.filter((n) => !n.includes('.vercel-ai.'))) {
      for (const interaction of loadRecordedFixture(name)) {
        if (interaction.request.method === 'POST' && interaction.request.uri === 'https://api.openai.com/v1/responses') {
          expect(interaction.request.body, name).toBeTypeOf('object');
          if (interaction.response.sseText !== undefined) expect(interaction.request.body.stream, name).toBe(true);
        } else {
          expect(interaction.request.body, name).toBeUndefined();
        }
      }
    }
  });

  describe('every stream', () => {
    const streams = hasSharedFixtures ? recordedStreams() : [];

    it('has 16 streamed replies across the fixtures', () => {
      expect(streams).toHaveLength(16);
    });

    it.each(streams.map((s) => [`${s.name}#${s.interactionIndex}`, s] as const))(
      '%s: typed events, one data line each, blank-line terminated, event: lines agree, sequence_number from 0',
      (_label, { sseText, events }) => {
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) expect(event.type).toBeTypeOf('string');
        expect(sseText.endsWith('\n\n')).toBe(true);
        expect(sseText).not.toContain('\r');
        expect(sseText).not.toContain('[DONE]');
        expect(sseText.match(/^data: /gm)).toHaveLength(events.length);
        // Every block is `[event: <type>\n]data: <json>` and blocks are separated by exactly one blank line.
        const blocks = sseText.slice(0, -2).split('\n\n');
        expect(blocks).toHaveLength(events.length);
        blocks.forEach((block, index) => {
          const lines = block.split('\n');
          const type = events[index]!.type as string;
          if (lines.length === 2) expect(lines[0]).toBe(`event: ${type}`);
          else expect(lines).toHaveLength(1);
          expect(JSON.parse(lines.at(-1)!.slice('data: '.length))).toEqual(events[index]);
        });
        const sequenceNumbers = events.map((event) => event.sequence_number);
        if (sequenceNumbers.some((n) => n !== undefined)) {
          expect(sequenceNumbers).toEqual(events.map((_event, index) => index));
        }
        expect(events[0]!.type).toBe('response.created');
        expect(['response.completed', 'response.failed']).toContain(events.at(-1)!.type);
      },
    );

    it('only the legacy 2025-03 recording lacks sequence_number; only vercel chunks lack event: lines', () => {
      for (const { name, sseText, events } of streams) {
        const hasSequence = events.every((event) => typeof event.sequence_number === 'number');
        const hasNone = events.every((event) => event.sequence_number === undefined);
        expect(hasSequence || hasNone, name).toBe(true);
        expect(hasNone, name).toBe(name.startsWith('legacy-2025-03-'));
        expect((sseText.match(/^event: /gm) ?? []).length, name).toBe(name.endsWith('.chunks.txt') ? 0 : events.length);
      }
    });
  });

  describe('sseText is byte-faithful to the recording', () => {
    it('openai-dotnet: the ResponseBody line array joined as-is', () => {
      for (const name of names.filter((n) => n.endsWith('.openai-dotnet.json'))) {
        const entries = (JSON.parse(rawFixture(name)) as { Entries: Array<{ ResponseBody: unknown }> }).Entries;
        loadRecordedFixture(name).forEach((interaction, index) => {
          const body = entries[index]!.ResponseBody;
          if (Array.isArray(body)) expect(interaction.response.sseText).toBe(body.join(''));
          else expect(interaction.response.sseText).toBeUndefined();
        });
      }
    });

    it('pydantic-ai: the `|+` block scalar, re-indented, appears verbatim in the cassette', () => {
      for (const name of names.filter((n) => n.endsWith('.yaml'))) {
        const raw = rawFixture(name);
        for (const interaction of loadRecordedFixture(name)) {
          const { sseText } = interaction.response;
          if (sseText === undefined) continue;
          const indented = sseText
            .split('\n')
            .map((line) => (line === '' ? '' : `        ${line}`))
            .join('\n');
          expect(raw.includes(`      string: |+\n${indented}`), name).toBe(true);
        }
      }
    });

    it('vercel chunks.txt: one `data: <line>\\n\\n` per recorded line', () => {
      const name = 'stream-error-event-then-failed.vercel-ai.chunks.txt';
      const lines = rawFixture(name).split('\n').filter((line) => line !== '');
      const { sseText } = streamOf(only(loadRecordedFixture(name)));
      expect(sseText).toBe(lines.map((line) => `data: ${line}\n\n`).join(''));
    });
  });

  describe('content described in SOURCES.md', () => {
    it('text-stream: canonical order, obfuscation, service_tier auto → default', () => {
      const { events } = streamOf(only(loadRecordedFixture('text-stream.openai-dotnet.json')));
      expect(countType(events, 'response.output_text.delta')).toBe(9);
      expect(events.at(-1)!.type).toBe('response.completed');
      for (const delta of events.filter((e) => e.type === 'response.output_text.delta')) {
        expect(delta.obfuscation).toBeTypeOf('string');
      }
      expect(events[0]!.response.service_tier).toBe('auto');
      expect(events.at(-1)!.response.service_tier).toBe('default');
      const text = events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta as string)
        .join('');
      expect(events.find((e) => e.type === 'response.output_text.done')!.text).toBe(text);
    });

    it('function-call-stream: fc_/call_ ids, .done without name, usage, strict:false in the request', () => {
      const interaction = only(loadRecordedFixture('function-call-stream.openai-dotnet.json'));
      const { events } = streamOf(interaction);
      const added = events.find((e) => e.type === 'response.output_item.added')!;
      expect(added.item.type).toBe('function_call');
      expect(added.item.id).toMatch(/^fc_/);
      expect(added.item.call_id).toMatch(/^call_/);
      const done = events.find((e) => e.type === 'response.function_call_arguments.done')!;
      expect(done).not.toHaveProperty('name');
      const args = events
        .filter((e) => e.type === 'response.function_call_arguments.delta')
        .map((e) => e.delta as string)
        .join('');
      expect(done.arguments).toBe(args);
      expect(events.at(-1)!.response.usage).toBeTypeOf('object');
      expect(interaction.request.body.tools[0].strict).toBe(false);
    });

    it('stream-error-event-then-failed: nested error event, then response.failed', () => {
      const { events } = streamOf(only(loadRecordedFixture('stream-error-event-then-failed.vercel-ai.chunks.txt')));
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.in_progress',
        'error',
        'response.failed',
      ]);
      expect(events[2]).toMatchObject({
        sequence_number: 2,
        error: { type: 'insufficient_quota', code: 'insufficient_quota', param: null },
      });
      expect(events[2]).not.toHaveProperty('message');
      expect(events[3]!.response.status).toBe('failed');
      expect(events[3]!.response.error.code).toBe('insufficient_quota');
    });

    it('legacy 2025-03: no sequence_number, no obfuscation, no logprobs', () => {
      const interactions = loadRecordedFixture('legacy-2025-03-stream-function-call-then-text.pydantic-ai.yaml');
      for (const interaction of interactions) {
        for (const event of streamOf(interaction).events) {
          expect(event).not.toHaveProperty('sequence_number');
          expect(event).not.toHaveProperty('obfuscation');
          expect(event).not.toHaveProperty('logprobs');
        }
      }
      const replayed = interactions[1]!.request.body.input as Array<Record<string, any>>;
      expect(replayed.map((item) => item.type ?? item.role)).toEqual(['user', 'function_call', 'function_call_output']);
    });

    it('reasoning-summary-stream: 4 summary parts and ~380 summary deltas', () => {
      const { events } = streamOf(only(loadRecordedFixture('reasoning-summary-stream.pydantic-ai.yaml')));
      const deltas = events.filter((e) => e.type === 'response.reasoning_summary_text.delta');
      expect(deltas).toHaveLength(383);
      expect([...new Set(deltas.map((e) => e.summary_index))]).toEqual([0, 1, 2, 3]);
      const reasoning = events.at(-1)!.response.output[0];
      expect(reasoning.type).toBe('reasoning');
      expect(reasoning.encrypted_content).toBeTypeOf('string');
      expect(reasoning.summary).toHaveLength(4);
    });

    it('background-stream: created is queued, then a response.queued event, no obfuscation', () => {
      const { events } = streamOf(only(loadRecordedFixture('background-stream-with-queued-event.pydantic-ai.yaml')));
      expect(events[0]!.response.status).toBe('queued');
      expect(events[1]!.type).toBe('response.queued');
      for (const event of events) expect(event).not.toHaveProperty('obfuscation');
    });

    it('logprobs-stream: every output_text.delta carries logprobs with bytes', () => {
      const { events } = streamOf(only(loadRecordedFixture('logprobs-stream.pydantic-ai.yaml')));
      const deltas = events.filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.length).toBeGreaterThan(0);
      for (const delta of deltas) {
        expect(delta.logprobs.length).toBeGreaterThan(0);
        expect(delta.logprobs[0]).toHaveProperty('bytes');
      }
    });

    it('phase stream: reasoning → commentary message → function_call, then a final_answer message', () => {
      const [first, second] = loadRecordedFixture('phase-reasoning-message-function-call-stream.pydantic-ai.yaml');
      const firstOutput = streamOf(first).events.at(-1)!.response.output as Array<Record<string, any>>;
      expect(firstOutput.map((item) => item.phase ?? item.type)).toEqual(['reasoning', 'commentary', 'function_call']);
      const secondOutput = streamOf(second).events.at(-1)!.response.output as Array<Record<string, any>>;
      expect(secondOutput.map((item) => item.phase)).toEqual(['final_answer']);
    });

    it('web-search stream: web_search_call items and url_citation annotations', () => {
      const interactions = loadRecordedFixture('web-search-annotations-stream.pydantic-ai.yaml');
      const annotations = interactions
        .flatMap((interaction) => streamOf(interaction).events)
        .filter((e) => e.type === 'response.output_text.annotation.added');
      expect(annotations).toHaveLength(2);
      for (const event of annotations) {
        expect(event.annotation).toMatchObject({ type: 'url_citation' });
        expect(event.annotation.url).toBeTypeOf('string');
        expect(event.annotation.start_index).toBeTypeOf('number');
        expect(event.annotation.end_index).toBeTypeOf('number');
      }
    });

    it('custom-tool stream: custom_tool_call input deltas assemble to .done input', () => {
      for (const interaction of loadRecordedFixture('custom-tool-stream-roundtrip.pydantic-ai.yaml').slice(0, 2)) {
        const { events } = streamOf(interaction);
        const input = events
          .filter((e) => e.type === 'response.custom_tool_call_input.delta')
          .map((e) => e.delta as string)
          .join('');
        expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')!.input).toBe(input);
        const call = events.at(-1)!.response.output.at(-1);
        expect(call.type).toBe('custom_tool_call');
        expect(call.id).toMatch(/^ctc_/);
      }
    });

    it('http-400 cassette: status 400 with a JSON error body', () => {
      const interaction = only(loadRecordedFixture('http-400-invalid-parameter.pydantic-ai.yaml'));
      expect(interaction.request.body).toMatchObject({ stream: true, temperature: -1 });
      expect(interaction.response.status).toBe(400);
      expect(interaction.response.json).toMatchObject({
        error: { code: 'decimal_below_min_value', param: 'temperature', type: 'invalid_request_error' },
      });
    });

    it('vercel JSON error bodies have no recorded status', () => {
      const quota = only(loadRecordedFixture('http-error-insufficient-quota.vercel-ai.json'));
      expect(quota.response.status).toBeUndefined();
      expect(quota.response.json.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota', param: null });
      const schema = only(loadRecordedFixture('json-schema-invalid-schema-400.vercel-ai.json'));
      expect(schema.response.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'invalid_json_schema',
        param: 'text.format.schema',
      });
    });

    it('non-stream bodies: incomplete, background poll, delete, 404s, parallel calls, reasoning summary', () => {
      const incomplete = only(loadRecordedFixture('incomplete-max-output-tokens.openai-dotnet.json')).response.json;
      expect(incomplete).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
      expect(incomplete.output[0].status).toBe('incomplete');

      const poll = loadRecordedFixture('background-poll-get.pydantic-ai.yaml');
      expect(poll.map((i) => i.response.json.status)).toEqual(['queued', 'in_progress', 'completed']);

      const cancel = loadRecordedFixture('background-cancel.openai-dotnet.json');
      expect(cancel.map((i) => i.response.json.status)).toEqual(['queued', 'cancelled']);
      expect(cancel[1]!.request.uri).toMatch(/\/cancel$/);

      const deleted = loadRecordedFixture('retrieve-delete-then-404.openai-dotnet.json');
      expect(deleted[2]!.response.json).toMatchObject({ object: 'response.deleted', deleted: true });
      expect(deleted[3]!.response.json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
      expect(deleted[3]!.response.json.error.message).toMatch(/^Response with id '.*' not found\.$/);

      const parallel = loadRecordedFixture('parallel-function-calls-and-outputs.pydantic-ai.yaml');
      expect(parallel[0]!.response.json.output.map((item: any) => item.type)).toEqual(['function_call', 'function_call']);

      const summary = only(loadRecordedFixture('reasoning-summary-nonstream.pydantic-ai.yaml')).response.json;
      expect(summary.output.map((item: any) => item.type)).toEqual(['reasoning', 'message']);
      expect(summary.output[0].summary.length).toBeGreaterThan(0);
      expect(summary).toHaveProperty('billing');
    });

    it('recordedJsonResponses covers every non-stream reply', () => {
      const replies = recordedJsonResponses();
      expect(replies).toHaveLength(19);
      expect(replies.filter((r) => r.status === undefined).map((r) => r.name)).toEqual([
        'http-error-insufficient-quota.vercel-ai.json',
        'json-schema-invalid-schema-400.vercel-ai.json',
      ]);
      expect(replies.filter((r) => r.status !== undefined && r.status >= 400).map((r) => [r.name, r.status])).toEqual([
        ['http-400-invalid-parameter.pydantic-ai.yaml', 400],
        ['retrieve-delete-then-404.openai-dotnet.json', 404],
        ['store-false-then-retrieve-404.openai-dotnet.json', 404],
      ]);
    });
  });
});
