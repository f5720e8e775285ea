import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents, type Reply } from '../../tools/fake-upstream/index.js';
import { hasSharedFixtures, loadRecordedFixture } from '../helpers/recorded-fixtures.js';
import { LEVEL, startHarness, type Harness } from './app-harness.js';

let harness: Harness;
let adapterUrl: string;
const cleanups: Array<() => Promise<void>> = [];

async function restart(env: Record<string, string>): Promise<void> {
  await harness.close();
  harness = await startHarness(env);
  adapterUrl = await harness.listen();
}

beforeEach(async () => {
  harness = await startHarness();
  adapterUrl = await harness.listen();
});
afterEach(async () => {
  await harness.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function sdk(baseURL: string, apiKey = 'sk-client'): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0 });
}

/** A request sent byte for byte: URL-based clients would resolve `..` and `%2E` first. */
async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(adapterUrl);
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const outgoing = httpRequest({ host: hostname, port, path, method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

interface ScriptedUpstream {
  url: string;
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders; rawBody: string }>;
}

/** An upstream for what the shared fake does not serve (input_items, counting, slow readers). */
async function startScriptedUpstream(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<ScriptedUpstream> {
  const requests: ScriptedUpstream['requests'] = [];
  const server = createServer(async (request, response) => {
    let rawBody = '';
    for await (const chunk of request) rawBody += String(chunk);
    requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, rawBody });
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

function answerJson(body: unknown, status = 200) {
  return (_request: IncomingMessage, response: ServerResponse) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function textEvents(deltas: string[]): Array<Record<string, unknown>> {
  return textStreamEvents(responseObject({ output: [messageItem(deltas.join(''))] }), deltas);
}

const numbered = (events: Array<Record<string, unknown>>) => events.map((event, index) => ({ ...event, sequence_number: index }));

describe('what the upstream receives', () => {
  const calls: Array<[string, (client: OpenAI) => Promise<unknown>]> = [
    ['responses.create', (client) => client.responses.create({ model: 'gpt-test', input: [{ role: 'user', content: 'Grüße ✓' }], metadata: { a: '7' } })],
    ['responses.create with store', (client) => client.responses.create({ model: 'gpt-test', input: 'Hi', store: true, background: true })],
    [
      'responses.create streaming',
      (client) => client.responses.create({ model: 'gpt-test', input: 'Hi', stream: true, stream_options: { include_obfuscation: false } }).then(drain),
    ],
    ['responses.retrieve', (client) => client.responses.retrieve('resp_1', { include: ['message.output_text.logprobs', 'reasoning.encrypted_content'] })],
    [
      'responses.retrieve streaming',
      (client) => client.responses.retrieve('resp_1', { stream: true, starting_after: 4, include_obfuscation: false }).then(drain),
    ],
    ['responses.cancel', (client) => client.responses.cancel('resp_1')],
    ['responses.delete', (client) => client.responses.delete('resp_1')],
    [
      'responses.inputItems.list',
      (client) => client.responses.inputItems.list('resp_1', { after: 'msg_1', limit: 5, order: 'asc', include: ['message.input_image.image_url'] }),
    ],
    ['responses.inputTokens.count', (client) => client.responses.inputTokens.count({ model: 'gpt-test', input: 'Count me.' })],
    ['responses.compact', (client) => client.responses.compact({ model: 'gpt-test', previous_response_id: 'resp_1' })],
  ];

  it.each(calls)('%s: the same method, path, query, body and key as from the SDK directly', async (_name, call) => {
    const upstream = await startScriptedUpstream(answerJson({}));
    await restart({ UPSTREAM_BASE_URL: upstream.url });

    await call(sdk(upstream.url));
    await call(sdk(adapterUrl));

    expect(upstream.requests).toHaveLength(2);
    const [direct, passed] = upstream.requests.map(({ method, path, rawBody, headers }) => ({
      method, path, rawBody, authorization: headers.authorization, contentType: headers['content-type'],
    }));
    expect(passed).toEqual(direct);
  });

  it.each([
    [
      '/v1/responses/resp_1?include[]=a&api_key=sk-leak&stream=false&include=b&starting_after=3&include_obfuscation=true&x=1',
      '/v1/responses/resp_1?include%5B%5D=a&stream=false&include=b&starting_after=3&include_obfuscation=true',
    ],
    [
      '/v1/responses/resp_1/input_items?order=desc&stream=true&before=msg_9&limit=2&after=msg_1&include%5B%5D=c',
      '/v1/responses/resp_1/input_items?order=desc&before=msg_9&limit=2&after=msg_1&include%5B%5D=c',
    ],
    ['/v1/responses/resp_1?after=msg_1&limit=2', '/v1/responses/resp_1'],
    ['/v1/responses/resp_1?starting_after=a+b%26c', '/v1/responses/resp_1?starting_after=a%20b%26c'],
  ])('GET %s forwards only the query parameters the API defines', async (path, upstreamPath) => {
    const upstream = await startScriptedUpstream(answerJson({}));
    await restart({ UPSTREAM_BASE_URL: upstream.url });

    await raw('GET', path);

    expect(upstream.requests.map((request) => request.path)).toEqual([upstreamPath]);
  });

  it('passes a Chat-shaped body through untranslated, so the upstream refuses it', async () => {
    const body = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };

    const response = await raw('POST', '/v1/responses', JSON.stringify(body), { 'content-type': 'application/json' });

    expect(harness.fake.requests.map((request) => request.body)).toEqual([body]);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({
      error: { message: "Unknown parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'unknown_parameter' },
    });
  });

  it.each<{ keys: Record<string, string>; presented: string; upstreamKey: string; organization: string | undefined }>([
    { keys: {}, presented: 'sk-client', upstreamKey: 'Bearer sk-client', organization: 'org-client' },
    { keys: { UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_API_KEYS: 'adapter-key' }, presented: 'adapter-key', upstreamKey: 'Bearer sk-upstream', organization: undefined },
  ])('sends $upstreamKey upstream when the client presents $presented', async ({ keys, presented, upstreamKey, organization }) => {
    await restart(keys);
    harness.fake.enqueue({ kind: 'json', body: responseObject({ status: 'cancelled', background: true }) });

    await new OpenAI({ baseURL: adapterUrl, apiKey: presented, organization: 'org-client', maxRetries: 0 }).responses.cancel('resp_1');

    expect(harness.fake.requests.map(({ headers }) => [headers.authorization, headers['openai-organization']])).toEqual([[upstreamKey, organization]]);
  });

  it('never shows the client the upstream key when an upstream error quotes it', async () => {
    await restart({ UPSTREAM_API_KEY: 'sk-upstream-secret', ADAPTER_API_KEYS: 'adapter-key' });
    const quoted = (key: string) => ({ error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    harness.fake.enqueue({ kind: 'json', status: 401, body: quoted('sk-upstream-secret') });

    const response = await raw('GET', '/v1/responses/resp_1', undefined, { authorization: 'Bearer adapter-key' });

    expect({ status: response.status, body: JSON.parse(response.text) }).toEqual({ status: 401, body: quoted('[redacted]') });
  });

  it.each([
    ['POST', '/v1/responses'],
    ['GET', '/v1/responses/resp_1'],
    ['POST', '/v1/responses/resp_1/cancel'],
    ['DELETE', '/v1/responses/resp_1'],
    ['GET', '/v1/responses/resp_1/input_items'],
    ['POST', '/v1/responses/input_tokens'],
  ])('%s %s refuses a client without an adapter key, without calling the upstream', async (method, path) => {
    await restart({ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_API_KEYS: 'adapter-key' });

    const response = await raw(method, path, '{"model":"gpt-test"}', { authorization: 'Bearer sk-upstream' });

    expect(response.status).toBe(401);
    expect(JSON.parse(response.text).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(harness.fake.requests).toEqual([]);
  });
});

describe('what the client receives', () => {
  it('responses.create: the upstream Response object', async () => {
    const body = responseObject({ output: [messageItem('Hello there.')] });
    harness.fake.enqueue({ kind: 'json', body });

    const { output_text: outputText, ...wire } = await sdk(adapterUrl).responses.create({ model: 'gpt-test', input: 'Hi' });

    expect(wire).toEqual(body);
    expect(outputText).toBe('Hello there.');
  });

  it.each([
    ['responses.retrieve', (client: OpenAI) => client.responses.retrieve('resp_1'), responseObject({ output: [messageItem('Stored.')] })],
    ['responses.cancel', (client: OpenAI) => client.responses.cancel('resp_1'), responseObject({ status: 'cancelled', background: true })],
    ['responses.delete', (client: OpenAI) => client.responses.delete('resp_1'), { id: 'resp_1', object: 'response.deleted', deleted: true }],
  ])('%s: the upstream body', async (_name, call, body) => {
    harness.fake.enqueue({ kind: 'json', body });

    const answer = (await call(sdk(adapterUrl))) as Record<string, unknown> | undefined;

    const { output_text: _outputText, ...wire } = answer ?? {};
    expect(wire).toEqual(body);
  });

  it('responses.inputItems.list pages through the upstream cursor', async () => {
    const items = ['msg_1', 'msg_2', 'msg_3'].map((id) => ({ id, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: id }] }));
    const upstream = await startScriptedUpstream((request, response) => {
      const page = request.url?.includes('after=msg_2') ? { data: items.slice(2), has_more: false } : { data: items.slice(0, 2), has_more: true };
      answerJson({ object: 'list', first_id: page.data[0]!.id, last_id: page.data.at(-1)!.id, ...page })(request, response);
    });
    await restart({ UPSTREAM_BASE_URL: upstream.url });

    const listed = await drain(sdk(adapterUrl).responses.inputItems.list('resp_1', { limit: 2, order: 'asc' }));

    expect(listed).toEqual(items);
    expect(upstream.requests.map((request) => request.path)).toEqual([
      '/v1/responses/resp_1/input_items?limit=2&order=asc',
      '/v1/responses/resp_1/input_items?limit=2&order=asc&after=msg_2',
    ]);
  });

  it('responses.create({ stream: true }): every event with its type and sequence number', async () => {
    const events = textEvents(['Hel', 'lo ✓']);
    harness.fake.enqueue({ kind: 'stream', events });

    const received = await drain(await sdk(adapterUrl).responses.create({ model: 'gpt-test', input: 'Hi', stream: true }));

    expect(received).toEqual(numbered(events));
  });

  it('responses.retrieve({ stream: true }): the replayed events', async () => {
    const events = textEvents(['Re', 'played']);
    harness.fake.enqueue({ kind: 'stream', events });

    const received = await drain(await sdk(adapterUrl).responses.retrieve('resp_1', { stream: true, starting_after: 0 }));

    expect(received).toEqual(numbered(events));
    expect(harness.fake.requests.map((request) => request.path)).toEqual(['/v1/responses/resp_1?stream=true&starting_after=0']);
  });

  // CRLF, a comment, an `id:` line, characters split across chunks: whatever the upstream wrote.
  const sse = [
    'event: response.created\r\ndata: {"type":"response.created","sequence_number":0}\r\n\r\n',
    ': keepalive\n\n',
    'id: 7\nevent: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Grüße 👋"}\n\n',
  ].join('');
  const streamCreate = '{"model":"gpt-test","input":"Hi","stream":true}';
  it.each([
    { method: 'POST', path: '/v1/responses', body: streamCreate, chunkSize: 1 },
    { method: 'POST', path: '/v1/responses', body: streamCreate, chunkSize: 7 },
    { method: 'GET', path: '/v1/responses/resp_1?stream=true', body: undefined, chunkSize: 1 },
    { method: 'GET', path: '/v1/responses/resp_1?stream=true', body: undefined, chunkSize: sse.length },
  ])('$method $path: the event stream byte for byte (upstream chunks of $chunkSize bytes)', async ({ method, path, body, chunkSize }) => {
    harness.fake.enqueue({ kind: 'sse-text', text: sse, chunkSize });

    const response = await raw(method, path, body);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.text).toBe(sse);
  });

  const upstreamError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });
  it.each([
    {
      name: 'responses.retrieve',
      call: (client: OpenAI) => client.responses.retrieve('resp_gone'),
      status: 404,
      body: upstreamError("Response with id 'resp_gone' not found.", 'invalid_request_error', null),
    },
    {
      name: 'responses.create',
      call: (client: OpenAI) => client.responses.create({ model: 'gpt-test', input: 'Hi' }),
      status: 429,
      body: upstreamError('Rate limit reached.', 'requests', 'rate_limit_exceeded'),
    },
    {
      name: 'responses.create streaming',
      call: (client: OpenAI) => client.responses.create({ model: 'gpt-test', input: 'Hi', stream: true }),
      status: 429,
      body: upstreamError('Slow down.', 'tokens', 'rate_limit_exceeded'),
    },
    {
      name: 'responses.cancel',
      call: (client: OpenAI) => client.responses.cancel('resp_1'),
      status: 400,
      body: upstreamError('Only responses created with background=true can be cancelled.', 'invalid_request_error', null),
    },
  ])('$name: an upstream $status keeps its status and body', async ({ call, status, body }) => {
    harness.fake.enqueue({ kind: 'json', status, body });

    const error = await call(sdk(adapterUrl)).then(() => undefined, (thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(APIError);
    expect({ status: (error as APIError).status, body: { error: (error as APIError).error } }).toEqual({ status, body });
  });

  it('passes back the safe upstream headers and the content type as they are, and no others', async () => {
    const headers = {
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-tokens': '6ms',
      'retry-after': '1',
      'openai-organization': 'org-upstream',
      'set-cookie': '__cf_bm=secret',
    };
    harness.fake.enqueue({ kind: 'json', body: responseObject(), headers });

    const response = await raw('GET', '/v1/responses/resp_1');

    const passed = Object.fromEntries(
      ['content-type', 'openai-version', 'openai-processing-ms', ...Object.keys(headers)].map((name) => [name, response.headers[name]]),
    );
    expect(passed).toEqual({
      'content-type': 'application/json',
      'openai-version': '2020-10-01',
      'openai-processing-ms': '1',
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-tokens': '6ms',
      'retry-after': '1',
      'openai-organization': undefined,
      'set-cookie': undefined,
    });
  });
});

describe('response ids', () => {
  it.each([
    ['GET', '/v1/responses/..%2Fmodels'],
    ['GET', '/v1/responses/%2e%2e'],
    ['GET', '/v1/responses/%2E'],
    ['GET', '/v1/responses/.'],
    ['DELETE', '/v1/responses/..'],
    ['POST', '/v1/responses/%2e%2e/cancel'],
    ['GET', '/v1/responses/..%2F..%2Fmodels/input_items'],
    ['GET', '/v1/responses/resp_1%2Fcancel'],
    ['GET', '/v1/responses/../models'],
    ['GET', '/v1/responses//input_items'],
    // Forms a relay that decodes once more would turn into another path.
    ['GET', '/v1/responses/%252E%252E'],
    ['GET', '/v1/responses/%252F'],
    ['GET', '/v1/responses/a%5C..'],
    ['GET', '/v1/responses/a%5Cb'],
  ])('%s %s never reaches another upstream path', async (method, path) => {
    const response = await raw(method, path);

    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: expect.toBeOneOf([null, 'unknown_url']) },
    });
    expect(harness.fake.requests).toEqual([]);
  });

  it.each([
    ['/v1/responses/resp%20a%3Fb%23c', '/v1/responses/resp%20a%3Fb%23c'],
    ['/v1/responses/resp_1.2', '/v1/responses/resp_1.2'],
  ])('keeps %s in one segment upstream', async (path, upstreamPath) => {
    await raw('GET', path);

    expect(harness.fake.requests.map((request) => request.path)).toEqual([upstreamPath]);
  });
});

describe('streams over time', () => {
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`stream ended early: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  }

  it.each([
    ['POST', '/v1/responses', '{"model":"gpt-test","input":"Hi","stream":true}'],
    ['GET', '/v1/responses/resp_1?stream=true', undefined],
  ])('%s %s delivers the first event while the upstream holds the rest, and aborts it when the client leaves', async (method, path, body) => {
    harness.fake.enqueue({ kind: 'stream', events: textEvents(['First', ' never sent']), holdAfter: 1 });
    const client = new AbortController();

    const response = await fetch(`${adapterUrl.replace(/\/v1$/, '')}${path}`, { method, body, signal: client.signal });
    const text = await readUntil(response.body!.getReader(), (received) => received.includes('\n\n'));

    expect(text).toMatch(/^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/);
    expect(harness.fake.abortedRequests).toBe(0);
    client.abort();
    await harness.fake.waitForAbort(2000);
  });

  it('aborts the upstream when an SDK stream is abandoned', async () => {
    harness.fake.enqueue({ kind: 'stream', events: textEvents(['Only', ' this']), holdAfter: 3 });

    const stream = await sdk(adapterUrl).responses.create({ model: 'gpt-test', input: 'Hi', stream: true });
    for await (const event of stream) if (event.type === 'response.created') break;

    await harness.fake.waitForAbort(2000);
  });

  it('aborts the upstream when the client leaves before it answered', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject(), delayMs: 10_000 });
    const client = new AbortController();

    const answer = sdk(adapterUrl).responses.retrieve('resp_1', {}, { signal: client.signal });
    while (harness.fake.requests.length === 0) await sleep(5);
    client.abort();

    await expect(answer).rejects.toThrow();
    await harness.fake.waitForAbort(2000);
  });

  it('reads the upstream no faster than a slow client', async () => {
    const megabyte = Buffer.alloc(1 << 20, 'a');
    const megabytes = 64;
    let megabytesWritten = 0;
    const upstream = await startScriptedUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const writeMore = (): void => {
        while (megabytesWritten < megabytes) {
          megabytesWritten += 1;
          if (!response.write(megabyte)) return void response.once('drain', writeMore);
        }
        response.end();
      };
      writeMore();
    });
    await restart({ UPSTREAM_BASE_URL: upstream.url });

    const response = await fetch(`${adapterUrl}/responses`, { method: 'POST', body: '{"stream":true}' });
    const reader = response.body!.getReader();
    let received = (await reader.read()).value?.byteLength ?? 0;
    let settled = -1;
    while (settled !== megabytesWritten) {
      settled = megabytesWritten;
      await sleep(300);
    }
    const writtenWhileStalled = megabytesWritten;
    for (let part = await reader.read(); !part.done; part = await reader.read()) received += part.value.byteLength;

    expect(writtenWhileStalled).toBeLessThan(megabytes / 2);
    expect(received).toBe(megabytes * megabyte.length);
  });

  it('breaks the client stream off, and logs it, when the upstream stream breaks', async () => {
    const upstream = await startScriptedUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: response.created\ndata: {"type":"response.created"}\n\n', () => setTimeout(() => response.destroy(), 50));
    });
    await restart({ UPSTREAM_BASE_URL: upstream.url });

    const response = await fetch(`${adapterUrl}/responses`, { method: 'POST', body: '{"stream":true}' });

    await expect(response.text()).rejects.toThrow();
    await harness.requestLogs(1);
    expect(harness.logLines().filter((line) => line.level === LEVEL.warn).map((line) => line.msg)).toContain('upstream event stream broke off');
  });
});

describe('an upstream that fails to answer', () => {
  it.each<{ name: string; env: Record<string, string>; reply: Reply | undefined; status: number; code: string }>([
    { name: 'headers too late', env: { UPSTREAM_TIMEOUT_MS: '100' }, reply: { kind: 'json', body: {}, delayMs: 2000 }, status: 504, code: 'upstream_timeout' },
    { name: 'unreachable', env: { UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1' }, reply: undefined, status: 502, code: 'upstream_unreachable' },
  ])('$name: $status $code', async ({ env, reply, status, code }) => {
    await restart(env);
    if (reply) harness.fake.enqueue(reply);

    const response = await raw('GET', '/v1/responses/resp_1');

    expect(response.status).toBe(status);
    expect(JSON.parse(response.text).error).toMatchObject({ type: 'server_error', code });
  });

  it.each([
    {
      name: 'a JSON body that stalls after its headers',
      answer: (_request: IncomingMessage, response: ServerResponse) => void response.writeHead(200, { 'content-type': 'application/json' }).write('{"id":'),
      status: 504,
      code: 'upstream_timeout',
    },
    {
      name: 'a redirect',
      answer: (_request: IncomingMessage, response: ServerResponse) => void response.writeHead(307, { location: 'http://elsewhere.example/v1/responses' }).end(),
      status: 502,
      code: 'upstream_redirect',
    },
  ])('$name: $status $code', async ({ answer, status, code }) => {
    const upstream = await startScriptedUpstream(answer);
    await restart({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_TIMEOUT_MS: '200' });

    const response = await raw('POST', '/v1/responses', '{"model":"gpt-test"}');

    expect(response.status).toBe(status);
    expect(response.headers).not.toHaveProperty('location');
    expect(JSON.parse(response.text).error).toMatchObject({ type: 'server_error', code });
  });
});

describe.skipIf(!hasSharedFixtures)('recorded upstream exchanges replayed through the passthrough', () => {
  it.each(['retrieve-delete-then-404.openai-dotnet.json', 'background-cancel.openai-dotnet.json'])('%s', async (name) => {
    const interactions = loadRecordedFixture(name);
    for (const { response } of interactions) harness.fake.enqueue({ kind: 'json', status: response.status, body: response.json });

    const received = [];
    for (const { request } of interactions) {
      const path = new URL(request.uri).pathname;
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const answer = await raw(request.method, path, body, { authorization: 'Bearer sk-client' });
      received.push({ status: answer.status, json: JSON.parse(answer.text) });
    }

    expect(received).toEqual(interactions.map(({ response }) => ({ status: response.status, json: response.json })));
    expect(harness.fake.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual(
      interactions.map(({ request }) => ({ method: request.method, path: new URL(request.uri).pathname, body: request.body })),
    );
  });
});
