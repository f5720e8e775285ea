import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlWriter } from '../../src/migration/jsonl-writer.js';
import { startHarness, type Harness } from '../http/app-harness.js';
import { parseExposition } from '../helpers/prometheus-text.js';

/**
 * Capture and shadow mode on live traffic: what they record, and that the client's answer never
 * waits for them or changes, whatever the shadow upstream does.
 */

let harness: Harness | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const folder = () => mkdtempSync(join(tmpdir(), 'adapter-migration-'));
const lines = (file: string): Array<Record<string, any>> =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line)) : [];
async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const chatCompletion = (content: string) => ({
  id: 'chatcmpl-shadow',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
});

/** A Chat Completions upstream for the shadow: answers after `delayMs` with `status`. */
async function startChatUpstream(options: { delayMs?: number; status?: number } = {}) {
  const received: Array<{ body: any; authorization: string | undefined }> = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (piece) => (text += piece));
    request.on('end', () => {
      const body = JSON.parse(text);
      received.push({ body, authorization: request.headers.authorization });
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        if ((options.status ?? 200) !== 200) {
          response.writeHead(options.status!, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: 'Shadow upstream failed.', type: 'server_error', param: null, code: null } }));
          return;
        }
        if (body.stream) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          const chunk = (delta: object, finish: string | null) =>
            `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
          response.end(chunk({ role: 'assistant', content: '' }, null) + chunk({ content: 'Hello from the fake upstream.' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(chatCompletion('Hello from the fake upstream.')));
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, received, mostInFlight: () => mostInFlight };
}

const hello = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'Say hello.' }] };

describe('capture', () => {
  it('records each request as {id, time, request}, with no header and no key', async () => {
    const file = join(folder(), 'capture.jsonl');
    harness = await startHarness({ CAPTURE_FILE: file, UPSTREAM_API_KEY: 'sk-upstream-77aa88bb', ADAPTER_API_KEYS: 'sk-client-11cc22dd' });
    const client = new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-client-11cc22dd', maxRetries: 0 });

    const answer = await client.chat.completions.create(hello).withResponse();
    await client.chat.completions.create({ ...hello, messages: [{ role: 'user', content: 'my key is sk-upstream-77aa88bb' }] });
    await client.chat.completions.create({ ...hello, stream: true }).then(async (stream) => {
      for await (const _chunk of stream);
    });

    const recorded = await eventually(() => lines(file), (found) => found.length === 3);
    expect(recorded.map((line) => line.request.messages[0].content)).toEqual(['Say hello.', 'my key is [redacted]', 'Say hello.']);
    expect(recorded[0]!.id).toBe(answer.response.headers.get('x-request-id'));
    expect(Object.keys(recorded[0]!).sort()).toEqual(['id', 'request', 'time']);
    const text = readFileSync(file, 'utf8');
    expect(['sk-client-11cc22dd', 'sk-upstream-77aa88bb', 'Bearer', 'authorization'].filter((secret) => text.includes(secret))).toEqual([]);
  });

  it('CAPTURE_REDACT=content blanks the words and keeps the shape', async () => {
    const file = join(folder(), 'capture.jsonl');
    harness = await startHarness({ CAPTURE_FILE: file, CAPTURE_REDACT: 'content' });
    const tools = [{ type: 'function' as const, function: { name: 'lookup', description: 'Look it up.', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const body = {
      model: 'gpt-test',
      tools,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: '東京の天気は？' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"Tokyo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
    };
    await fetch(`${await harness.listen()}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const [record] = await eventually(() => lines(file), (found) => found.length === 1);
    expect(record!.request).toEqual({
      ...body,
      messages: [
        { role: 'system', content: 'xxxxxxxxx' },
        { role: 'user', content: [{ type: 'text', text: 'xxxxxxx' }, { type: 'image_url', image_url: { url: 'x'.repeat(26), detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: 'x'.repeat(13) } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'xxxxx' },
      ],
    });
  });

  it('records only the sampled share, and a file that cannot be written never fails a request', async () => {
    const nowhere = join(folder(), 'missing-folder', 'capture.jsonl');
    harness = await startHarness({ CAPTURE_FILE: nowhere });
    const url = await harness.listen();
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const metrics = await eventually(
      async () => parseExposition(await (await fetch(`${url.replace(/\/v1$/, '')}/metrics`)).text()),
      () => true,
    );
    const failed = (await metrics).samples.find((sample) => sample.name === 'chat_adapter_capture_records_total' && sample.labels.outcome === 'failed');
    expect(failed?.value).toBeGreaterThan(0);

    const sampledFile = join(folder(), 'capture.jsonl');
    await harness.close();
    harness = await startHarness({ CAPTURE_FILE: sampledFile, CAPTURE_SAMPLE: '0' });
    await fetch(`${await harness.listen()}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines(sampledFile)).toEqual([]);
  });

  it('rotates the file by size, keeping a bounded number of old ones', async () => {
    const file = join(folder(), 'rotated.jsonl');
    const writer = new JsonlWriter({ file, maxFileBytes: 1000, keep: 2 });
    for (let index = 0; index < 40; index++) {
      writer.write({ index, padding: 'p'.repeat(100) });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await writer.close();
    const kept = [file, `${file}.1`, `${file}.2`, `${file}.3`].filter((name) => existsSync(name));
    expect(kept).toEqual([file, `${file}.1`, `${file}.2`]);
    for (const name of kept) expect(readFileSync(name).length).toBeLessThan(1000 + 200);
  });
});

describe('shadow mode', () => {
  async function start(shadow: { url: string }, env: Record<string, string> = {}) {
    const file = join(folder(), 'shadow.jsonl');
    harness = await startHarness({ SHADOW_CHAT_BASE_URL: shadow.url, SHADOW_CHAT_API_KEY: 'sk-shadow-5566', SHADOW_SAMPLE: '1', SHADOW_FILE: file, ...env });
    return { file, url: await harness.listen() };
  }

  it('sends the request unchanged to the Chat upstream and writes one comparison per pair, JSON and streamed', async () => {
    const shadow = await startChatUpstream();
    const { file, url } = await start(shadow);
    const client = new OpenAI({ baseURL: url, apiKey: 'sk-client-9988', maxRetries: 0 });

    const answer = await client.chat.completions.create({ ...hello, temperature: 0.5 });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';

    const records = await eventually(() => lines(file), (found) => found.length === 2);
    expect(answer.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    expect(streamed).toBe('Hello from the fake upstream.');
    expect(shadow.received.map((request) => request.body)).toEqual([{ ...hello, temperature: 0.5 }, { ...hello, stream: true }]);
    expect(shadow.received.map((request) => request.authorization)).toEqual(['Bearer sk-shadow-5566', 'Bearer sk-shadow-5566']);
    for (const record of records) {
      expect(record).toMatchObject({ model: 'gpt-test', content: { applicable: true, equal: true, similarity: 1 }, divergences: [] });
      expect(record.chat.finishReasons).toEqual(['stop']);
      expect(record.responses.finishReasons).toEqual(['stop']);
    }
    expect(records.map((record) => record.stream)).toEqual([false, true]);
    expect(readFileSync(file, 'utf8')).not.toContain('sk-shadow-5566');
  });

  it.each([
    { name: 'slow', shadow: () => startChatUpstream({ delayMs: 1500 }) },
    { name: 'failing', shadow: () => startChatUpstream({ status: 500 }) },
    { name: 'refusing connections', shadow: async () => ({ url: 'http://127.0.0.1:1/v1' }) },
  ])('a $name shadow upstream changes nothing for the client, nor its latency', async ({ shadow }) => {
    const { file, url } = await start(await shadow());
    const started = performance.now();
    const answer = await fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
    const body = (await answer.json()) as { choices: Array<{ message: { content: string } }> };
    const took = performance.now() - started;

    expect(answer.status).toBe(200);
    expect(body.choices[0]?.message.content).toBe('Hello from the fake upstream.');
    expect(took).toBeLessThan(1000);
    const [record] = await eventually(() => lines(file), (found) => found.length === 1);
    expect(record!.responses.ok).toBe(true);
  });

  it('runs at most SHADOW_CONCURRENCY shadow calls at once and skips (counts) the rest, never queues them', async () => {
    const shadow = await startChatUpstream({ delayMs: 800 });
    const { url } = await start(shadow, { SHADOW_CONCURRENCY: '2' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(`${url}/chat/completions`, { method: 'POST', body: JSON.stringify(hello) })));

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(shadow.received).toHaveLength(2);
    expect(shadow.mostInFlight()).toBe(2);
    const metrics = parseExposition(await (await fetch(`${url.replace(/\/v1$/, '')}/metrics`)).text());
    const count = (outcome: string) => metrics.samples.find((sample) => sample.name === 'chat_adapter_shadow_requests_total' && sample.labels.outcome === outcome)?.value;
    expect({ skipped: count('skipped'), compared: count('compared') }).toEqual({ skipped: 8, compared: 2 });
  });
});
