import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject, responsesUsage, textStreamEvents } from '../../tools/fake-upstream/index.js';
import type { LogLine } from '../helpers/listening-app.js';
import { parseExposition, valuesOf } from '../helpers/prometheus-text.js';
import { startStreamHarness, type StreamHarness } from './stream-harness.js';

/** What a request came to, on its one log line and on the token metrics, through real HTTP. */

let harness: StreamHarness;

afterEach(async () => {
  await harness.close();
});

function post(body: unknown, requestId: string): Promise<Response> {
  return fetch(`${harness.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
}

async function requestLine(requestId: string): Promise<LogLine> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const line = harness.logLines().find((candidate) => candidate.req?.id === requestId && candidate.res);
    if (line) return line;
    await sleep(10);
  }
  throw new Error(`no request log line for ${requestId}`);
}

const user = [{ role: 'user', content: 'Hi' }];

describe('the request log line', () => {
  it('carries the models asked and served, mode, n, upstream status, finish reasons, tokens and warnings', async () => {
    harness = await startStreamHarness({ env: { MODEL_ALIASES: 'gpt-4o=gpt-5-mini' } });
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ model: 'gpt-5-mini-2025-08-07', output: [messageItem('One.')], usage: responsesUsage(30, 12, { cached: 8, reasoning: 4 }) }) },
      { kind: 'json', body: responseObject({ model: 'gpt-5-mini-2025-08-07', output: [functionCallItem('lookup', '{}')], usage: responsesUsage(30, 5) }) },
    );
    expect((await post({ model: 'gpt-4o', n: 2, seed: 1, messages: user }, 'json-two')).status).toBe(200);

    const line = await requestLine('json-two');
    expect(line).toMatchObject({
      model: 'gpt-4o',
      servedModel: 'gpt-5-mini-2025-08-07',
      stream: false,
      n: 2,
      upstreamStatus: 200,
      finishReasons: ['stop', 'tool_calls'],
      usage: { prompt: 60, completion: 17, cached: 8, reasoning: 4 },
      warnings: ['seed'],
      msg: 'request completed',
    });

    const answer = responseObject({ model: 'gpt-test-2026-02-02', output: [messageItem('Streamed.')], usage: responsesUsage(9, 3, { reasoning: 1 }) });
    harness.fake.enqueue({ kind: 'stream', events: textStreamEvents(answer, ['Stream', 'ed.']) });
    const streamed = await post({ model: 'gpt-test', stream: true, messages: user }, 'streamed');
    expect(await streamed.text()).toContain('[DONE]');
    expect(await requestLine('streamed')).toMatchObject({
      model: 'gpt-test',
      servedModel: 'gpt-test-2026-02-02',
      stream: true,
      n: 1,
      upstreamStatus: 200,
      finishReasons: ['stop'],
      usage: { prompt: 9, completion: 3, cached: 0, reasoning: 1 },
    });

    harness.fake.enqueue({ kind: 'json', status: 429, body: { error: { message: 'Slow down.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    expect((await post({ model: 'gpt-test', messages: user }, 'limited')).status).toBe(429);
    const limited = await requestLine('limited');
    expect(limited).toMatchObject({ model: 'gpt-test', stream: false, n: 1, upstreamStatus: 429, res: { statusCode: 429 } });
    expect(limited).not.toHaveProperty('usage');
  });

  it('puts probes and scrapes at debug, other requests at info', async () => {
    harness = await startStreamHarness();
    const root = harness.url.replace(/\/v1$/, '');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${root}${path}`, { headers: { 'x-request-id': `probe${path.replace('/', '-')}` } })).status).toBe(200);
    }
    await fetch(`${harness.url}/models`, { headers: { 'x-request-id': 'models' } });
    const levels = Object.fromEntries(
      await Promise.all(['probe-healthz', 'probe-readyz', 'probe-metrics', 'models'].map(async (id) => [id, (await requestLine(id)).level])),
    );
    expect(levels).toEqual({ 'probe-healthz': 20, 'probe-readyz': 20, 'probe-metrics': 20, models: 30 });
    expect(await requestLine('models')).toMatchObject({ upstreamStatus: 200 });
  });
});

describe('token and process metrics', () => {
  it('counts tokens by the model served, at most 50 models by name, and shows the process metrics', async () => {
    harness = await startStreamHarness();
    for (let index = 0; index < 52; index++) {
      harness.fake.enqueue({ kind: 'json', body: responseObject({ model: `model-${index}`, output: [messageItem('Hi.')], usage: responsesUsage(10, 2, { cached: 3, reasoning: 1 }) }) });
      expect((await post({ model: 'gpt-test', messages: user }, `tokens-${index}`)).status).toBe(200);
    }
    await requestLine('tokens-51');
    const scraped = parseExposition(await (await fetch(harness.url.replace(/\/v1$/, '/metrics'))).text());

    const tokens = valuesOf(scraped, 'chat_adapter_tokens_total');
    expect(tokens['chat_adapter_tokens_total{model="model-0",type="input"}']).toBe(10);
    expect(tokens['chat_adapter_tokens_total{model="model-49",type="cached"}']).toBe(3);
    expect(tokens['chat_adapter_tokens_total{model="model-49",type="reasoning"}']).toBe(1);
    expect(tokens['chat_adapter_tokens_total{model="other",type="output"}']).toBe(4);
    expect(tokens).not.toHaveProperty('chat_adapter_tokens_total{model="model-50",type="input"}');
    expect(new Set(Object.keys(tokens).map((key) => /model="([^"]*)"/.exec(key)![1])).size).toBe(51);

    const processValues = valuesOf(
      scraped,
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    );
    expect(processValues.process_cpu_seconds_total).toBeGreaterThan(0);
    expect(processValues.process_resident_memory_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(processValues.nodejs_heap_size_used_bytes).toBeGreaterThan(1024 * 1024);
    expect(processValues.nodejs_eventloop_lag_p99_seconds).toBeGreaterThanOrEqual(0);
    expect(scraped.types.get('nodejs_gc_duration_seconds')).toBe('histogram');
    expect(scraped.types.get('process_cpu_seconds_total')).toBe('counter');
  });
});
