import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents, type Reply } from '../../tools/fake-upstream/index.js';
import { checkHistograms, parseExposition, valuesOf, type Exposition } from '../helpers/prometheus-text.js';
import { readUntil, startStreamHarness, type StreamHarness } from './stream-harness.js';

const CLIENT_KEY = 'sk-client-key-never-in-metrics';
const UPSTREAM_KEY = 'sk-upstream-key-never-in-metrics';
const MODEL = 'gpt-model-name-never-in-metrics';
const CONTENT = 'Content never in metrics';
const REQUEST_ID = 'request-id-never-in-metrics';
const CHAT = '/v1/chat/completions';

let harness: StreamHarness;

afterEach(async () => {
  await harness.close();
});

function chat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: MODEL, messages: [{ role: 'user', content: CONTENT }], ...extra };
}

function post(body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${harness.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'x-request-id': REQUEST_ID },
    body: JSON.stringify(body),
    ...init,
  });
}

async function scrape(): Promise<{ text: string; exposition: Exposition }> {
  const reply = await fetch(harness.url.replace(/\/v1$/, '/metrics'));
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await reply.text();
  return { text, exposition: parseExposition(text) };
}

/** Scrapes until `ready` holds: a closed connection is counted a moment after the client sees it. */
async function scrapeUntil(ready: (exposition: Exposition) => boolean): Promise<{ text: string; exposition: Exposition }> {
  for (let attempt = 0; ; attempt++) {
    const scraped = await scrape();
    if (ready(scraped.exposition) || attempt === 100) return scraped;
    await sleep(20);
  }
}

/** Requests counted so far, whatever their labels. */
const requestsCounted = (exposition: Exposition): number =>
  Object.values(valuesOf(exposition, 'chat_adapter_requests_total')).reduce((sum, value) => sum + value, 0);

function jsonAnswer(text = 'Hi.'): Reply {
  return { kind: 'json', body: responseObject({ output: [messageItem(text)] }) };
}

function streamEvents(deltas: string[]): Array<Record<string, unknown>> {
  return textStreamEvents(responseObject({ output: [messageItem(deltas.join(''))] }), deltas);
}

describe('GET /metrics', () => {
  it('counts a mixed run of requests exactly, in a format a scraper reads, with no secrets or content', async () => {
    harness = await startStreamHarness({ env: { ADAPTER_API_KEYS: CLIENT_KEY, UPSTREAM_API_KEY: UPSTREAM_KEY } });
    const { fake } = harness;

    fake.enqueue(jsonAnswer());
    expect((await post(chat())).status).toBe(200);

    fake.enqueue({ kind: 'stream', events: streamEvents(['Hel', 'lo.']) });
    const streamed = await post(chat({ stream: true }));
    expect(await streamed.text()).toContain('data: [DONE]');

    expect((await post({ model: MODEL, messages: CONTENT })).status).toBe(400);

    fake.enqueue({
      kind: 'json',
      status: 429,
      body: { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });
    expect((await post(chat())).status).toBe(429);

    fake.enqueue(jsonAnswer());
    const seeded = await post(chat({ seed: 7 }));
    expect([seeded.status, seeded.headers.get('x-adapter-warnings')]).toEqual([200, 'seed']);

    fake.enqueue(jsonAnswer('One.'), jsonAnswer('Two.'));
    const twoChoices = await post(chat({ n: 2 }));
    expect(((await twoChoices.json()) as { choices: unknown[] }).choices).toHaveLength(2);

    fake.enqueue({ kind: 'stream', events: streamEvents(['Going ', 'on and on']), holdAfter: 5 });
    const client = new AbortController();
    const abandoned = await post(chat({ stream: true }), { signal: client.signal });
    await readUntil(abandoned.body!.getReader(), (text) => text.includes('"content":"Going "'));
    client.abort();
    await fake.waitForAbort(2000);

    const { text, exposition } = await scrapeUntil(
      (scraped) => valuesOf(scraped, 'chat_adapter_client_disconnects_total').chat_adapter_client_disconnects_total === 1,
    );
    expect(
      valuesOf(
        exposition,
        'chat_adapter_requests_total',
        'chat_adapter_request_duration_seconds_count',
        'chat_adapter_upstream_request_duration_seconds_count',
        'chat_adapter_time_to_first_token_seconds_count',
        'chat_adapter_upstream_errors_total',
        'chat_adapter_client_disconnects_total',
        'chat_adapter_parameter_warnings_total',
        'chat_adapter_emulated_features_total',
        'chat_adapter_unknown_upstream_events_total',
        'chat_adapter_open_streams',
        'chat_adapter_tokens_total',
      ),
    ).toEqual({
      [`chat_adapter_requests_total{mode="json",route="${CHAT}",status_class="2xx"}`]: 3,
      [`chat_adapter_requests_total{mode="json",route="${CHAT}",status_class="4xx"}`]: 2,
      [`chat_adapter_requests_total{mode="stream",route="${CHAT}",status_class="2xx"}`]: 1,
      [`chat_adapter_requests_total{mode="stream",route="${CHAT}",status_class="client_closed"}`]: 1,
      [`chat_adapter_request_duration_seconds_count{mode="json",route="${CHAT}"}`]: 5,
      [`chat_adapter_request_duration_seconds_count{mode="stream",route="${CHAT}"}`]: 2,
      // JSON, stream, 429, seed, two for n: 2, the abandoned stream.
      'chat_adapter_upstream_request_duration_seconds_count{status="200"}': 6,
      'chat_adapter_upstream_request_duration_seconds_count{status="429"}': 1,
      chat_adapter_time_to_first_token_seconds_count: 2,
      'chat_adapter_upstream_errors_total{code="429"}': 1,
      chat_adapter_client_disconnects_total: 1,
      'chat_adapter_parameter_warnings_total{param="seed"}': 1,
      'chat_adapter_emulated_features_total{feature="n"}': 1,
      chat_adapter_unknown_upstream_events_total: 0,
      chat_adapter_open_streams: 0,
      // By the model the upstream served: JSON, stream, seed and the two choices of n: 2 (11 in, 10 out each).
      'chat_adapter_tokens_total{model="gpt-test-2026-01-01",type="input"}': 55,
      'chat_adapter_tokens_total{model="gpt-test-2026-01-01",type="output"}': 50,
      'chat_adapter_tokens_total{model="gpt-test-2026-01-01",type="cached"}': 0,
      'chat_adapter_tokens_total{model="gpt-test-2026-01-01",type="reasoning"}': 0,
    });
    expect(checkHistograms(exposition)).toBeGreaterThanOrEqual(5);
    expect([...exposition.types].filter(([name]) => name.startsWith('chat_adapter_'))).toEqual([
      ['chat_adapter_requests_total', 'counter'],
      ['chat_adapter_request_duration_seconds', 'histogram'],
      ['chat_adapter_upstream_request_duration_seconds', 'histogram'],
      ['chat_adapter_time_to_first_token_seconds', 'histogram'],
      ['chat_adapter_upstream_errors_total', 'counter'],
      ['chat_adapter_client_disconnects_total', 'counter'],
      ['chat_adapter_parameter_warnings_total', 'counter'],
      ['chat_adapter_emulated_features_total', 'counter'],
      ['chat_adapter_capture_records_total', 'counter'],
      ['chat_adapter_shadow_requests_total', 'counter'],
      ['chat_adapter_unknown_upstream_events_total', 'counter'],
      ['chat_adapter_background_calls_total', 'counter'],
      ['chat_adapter_open_streams', 'gauge'],
      ['chat_adapter_tokens_total', 'counter'],
      ['chat_adapter_state_errors_total', 'counter'],
    ]);
    expect([...exposition.helps.keys()]).toEqual([...exposition.types.keys()]);
    // Models appear only as the upstream names them, on token counters (bounded); the name the client sent never.
    for (const secret of [CLIENT_KEY, UPSTREAM_KEY, MODEL, CONTENT, 'Hello', REQUEST_ID]) {
      expect(text).not.toContain(secret);
    }
  });

  it('shows an open stream while it is served', async () => {
    harness = await startStreamHarness();
    harness.fake.enqueue({ kind: 'stream', events: streamEvents(['Still ', 'going']), holdAfter: 5 });
    const client = new AbortController();
    const open = await post(chat({ stream: true }), { signal: client.signal });
    await readUntil(open.body!.getReader(), (text) => text.includes('"content":"Still "'));

    const during = valuesOf((await scrape()).exposition, 'chat_adapter_open_streams', 'chat_adapter_time_to_first_token_seconds_count');
    client.abort();
    expect(during).toEqual({ chat_adapter_open_streams: 1, chat_adapter_time_to_first_token_seconds_count: 1 });
    const after = await scrapeUntil((scraped) => valuesOf(scraped, 'chat_adapter_open_streams').chat_adapter_open_streams === 0);
    expect(valuesOf(after.exposition, 'chat_adapter_open_streams')).toEqual({ chat_adapter_open_streams: 0 });
  });

  it('counts emulated stop and include_usage, a dropped message name, and unknown upstream events', async () => {
    harness = await startStreamHarness();
    const events = streamEvents(['Count: 1, 2, ', '3.']);
    // Two events of a type the upstream may add one day, in the middle of the answer.
    events.splice(4, 0, { type: 'response.future_feature.delta', delta: 'x' }, { type: 'response.future_feature.done' });
    harness.fake.enqueue({ kind: 'stream', events });
    const body = chat({
      stream: true,
      stream_options: { include_usage: true },
      stop: ['3'],
      messages: [
        { role: 'system', content: 'Count.' },
        { role: 'user', content: CONTENT, name: 'alice' },
      ],
    });
    const reply = await post(body);
    expect(reply.headers.get('x-adapter-warnings')).toBe('messages[1].name');
    await reply.text();

    const { exposition, text } = await scrape();
    expect(
      valuesOf(
        exposition,
        'chat_adapter_parameter_warnings_total',
        'chat_adapter_emulated_features_total',
        'chat_adapter_unknown_upstream_events_total',
      ),
    ).toEqual({
      'chat_adapter_parameter_warnings_total{param="messages.name"}': 1,
      'chat_adapter_emulated_features_total{feature="stop"}': 1,
      'chat_adapter_emulated_features_total{feature="include_usage"}': 1,
      chat_adapter_unknown_upstream_events_total: 2,
    });
    expect(text).not.toContain('alice');
  });

  it('labels requests answered before routing as unmatched, never by their path, and needs no client key', async () => {
    harness = await startStreamHarness({ env: { ADAPTER_API_KEYS: CLIENT_KEY, UPSTREAM_API_KEY: UPSTREAM_KEY } });
    const base = harness.url.replace(/\/v1$/, '');
    expect((await fetch(`${harness.url}/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(401);
    // Not under /v1/: every /v1/* path is forwarded upstream (and counted as `/v1/*path`).
    const unknownPath = await fetch(`${base}/secret-path-never-in-metrics`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    expect(unknownPath.status).toBe(404);

    const { exposition, text } = await scrapeUntil((scraped) => requestsCounted(scraped) === 2);
    expect(valuesOf(exposition, 'chat_adapter_requests_total')).toEqual({
      'chat_adapter_requests_total{mode="json",route="unmatched",status_class="4xx"}': 2,
    });
    expect(text).not.toContain('secret-path-never-in-metrics');
  });

  it('counts the route pattern of a forwarded models request, not the model in its path', async () => {
    harness = await startStreamHarness();
    // The fake upstream knows no model by id: its 404 is passed on.
    expect((await fetch(`${harness.url}/models/${MODEL}`)).status).toBe(404);

    const { exposition, text } = await scrapeUntil((scraped) => requestsCounted(scraped) === 1);
    expect(valuesOf(exposition, 'chat_adapter_requests_total')).toEqual({
      'chat_adapter_requests_total{mode="json",route="/v1/models/:model",status_class="4xx"}': 1,
    });
    expect(text).not.toContain(MODEL);
  });

  it.each(['off', 'false', '0'])('is not served with METRICS=%s', async (value) => {
    harness = await startStreamHarness({ env: { METRICS: value } });
    const reply = await fetch(harness.url.replace(/\/v1$/, '/metrics'));
    expect(reply.status).toBe(404);
    expect(await reply.text()).not.toContain('chat_adapter_');
  });
});

describe('upstream errors by code', () => {
  const failed = responseObject({ status: 'failed', error: { code: 'server_error', message: 'The model failed.' } });
  const failedStream: Reply = {
    kind: 'stream',
    events: [
      { type: 'response.created', response: { ...failed, status: 'in_progress', error: null } },
      { type: 'response.failed', response: failed },
    ],
  };
  const overloaded: Reply = {
    kind: 'json',
    status: 503,
    body: { error: { message: 'Overloaded.', type: 'server_error', param: null, code: null } },
  };
  const slow: Reply = { kind: 'json', body: responseObject(), delayMs: 3000 };
  const notJson: Reply = { kind: 'raw', body: 'not json', contentType: 'application/json' };
  const silent: Reply = { kind: 'stream', events: streamEvents(['Hi']), holdAfter: 1 };
  const truncated: Reply = { kind: 'stream', events: streamEvents(['Hi']).slice(0, 2), endWithoutTerminal: true };

  it.each<{ failure: string; env?: Record<string, string>; stream: boolean; reply: Reply; status: number; code: string }>([
    { failure: 'unreachable', stream: false, reply: { kind: 'destroy' }, status: 502, code: 'upstream_unreachable' },
    { failure: 'too slow', env: { UPSTREAM_TIMEOUT_MS: '100' }, stream: false, reply: slow, status: 504, code: 'upstream_timeout' },
    { failure: 'not JSON', stream: false, reply: notJson, status: 502, code: 'upstream_protocol_error' },
    { failure: 'idle', env: { STREAM_IDLE_TIMEOUT_MS: '100' }, stream: true, reply: silent, status: 504, code: 'upstream_idle_timeout' },
    { failure: 'truncated', stream: true, reply: truncated, status: 502, code: 'upstream_stream_truncated' },
    { failure: 'an HTTP 503', stream: false, reply: overloaded, status: 503, code: '503' },
    { failure: 'a failed response', stream: true, reply: failedStream, status: 500, code: '500' },
  ])('counts $failure as $code', async ({ env, stream, reply, status, code }) => {
    harness = await startStreamHarness({ env: env ?? {} });
    harness.fake.enqueue(reply);
    const answer = await post(chat({ stream }));
    expect(answer.status).toBe(status);
    await answer.text();

    const { exposition } = await scrape();
    expect(valuesOf(exposition, 'chat_adapter_upstream_errors_total')).toEqual({
      [`chat_adapter_upstream_errors_total{code="${code}"}`]: 1,
    });
  });
});
