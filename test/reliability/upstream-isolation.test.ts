import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, startFakeUpstream, textStreamEvents, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { rawRequest, startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.js';

let upstream: FakeUpstream;
let app: AppUnderTest;
let decoy: ScriptedUpstream | undefined;

afterEach(async () => {
  await app.close();
  await upstream.close();
  await decoy?.close();
  decoy = undefined;
});

async function start(env: Record<string, string> = {}): Promise<void> {
  upstream = await startFakeUpstream();
  app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
}

const chatBody = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
const json = { 'content-type': 'application/json' };

describe('the upstream host comes only from configuration', () => {
  it('no Host, forwarding header, request target or body field sends a request anywhere else', async () => {
    await start();
    decoy = await startScriptedUpstream((exchange) => void exchange.response.end('{}'));
    const decoyHost = new URL(decoy.url).host;
    const redirections: Array<Record<string, string>> = [
      { host: decoyHost },
      { 'x-forwarded-host': decoyHost, 'x-forwarded-proto': 'http', 'x-forwarded-port': new URL(decoy.url).port },
      { forwarded: `host=${decoyHost};proto=http` },
      { 'x-original-url': `${decoy.url}/responses`, 'x-rewrite-url': `${decoy.url}/responses` },
    ];

    const statuses: number[] = [];
    for (const headers of redirections) {
      statuses.push((await rawRequest(app.port, { path: '/v1/chat/completions', headers: { ...json, ...headers }, body: chatBody })).status);
      statuses.push((await rawRequest(app.port, { method: 'GET', path: '/v1/models', headers })).status);
    }
    // An absolute request target names another host.
    statuses.push((await rawRequest(app.port, { path: `${decoy.url}/chat/completions`, headers: json, body: chatBody })).status);
    for (const field of ['base_url', 'api_base', 'baseURL']) {
      const body = JSON.stringify({ ...JSON.parse(chatBody), [field]: decoy.url });
      statuses.push((await rawRequest(app.port, { path: '/v1/chat/completions', headers: json, body })).status);
    }

    expect(statuses).toEqual([...redirections.flatMap(() => [200, 200]), 200, 400, 400, 400]);
    expect(decoy.exchanges).toHaveLength(0);
    expect(upstream.requests).toHaveLength(redirections.length * 2 + 1);
  });
});

/** What the upstream may see: what fetch itself sends, and what the adapter means to. */
const UPSTREAM_HEADER_NAMES = [
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'connection', 'content-length', 'content-type', 'host',
  'sec-fetch-mode', 'user-agent', 'x-client-request-id',
];

const clientOnlyHeaders = {
  connection: 'keep-alive, x-hop-secret',
  'x-hop-secret': 'hop-value-1',
  'keep-alive': 'timeout=5, max=1000',
  cookie: 'session=cookie-value-2',
  'x-forwarded-for': '203.0.113.7',
  'x-real-ip': '203.0.113.8',
  'proxy-authorization': 'Basic cHJveHktc2VjcmV0',
  'proxy-connection': 'keep-alive',
  forwarded: 'for=203.0.113.9',
  via: '1.1 client-proxy-3',
  'true-client-ip': '203.0.113.10',
  'user-agent': 'client-agent/4.0',
  te: 'trailers',
};

/** Values of those headers that nothing else would send (fetch says `connection: keep-alive` itself). */
const distinctiveValues = ['x-hop-secret', 'hop-value-1', 'max=1000', 'cookie-value-2', '203.0.113.', 'cHJveHktc2VjcmV0', 'client-proxy-3', 'client-agent/4.0', 'trailers'];

describe('client headers that must not travel upstream', () => {
  it.each([
    { route: 'POST /v1/chat/completions', method: 'POST', path: '/v1/chat/completions', body: chatBody },
    { route: 'GET /v1/models', method: 'GET', path: '/v1/models', body: undefined },
  ])('$route forwards no hop-by-hop or client-identifying header', async ({ method, path, body }) => {
    await start();
    const answer = await rawRequest(app.port, { method, path, headers: { ...json, ...clientOnlyHeaders }, body, chunked: body !== undefined });
    expect(answer.status).toBe(200);

    const received = upstream.requests[0]!.headers;
    expect(Object.keys(received).filter((name) => !UPSTREAM_HEADER_NAMES.includes(name))).toEqual([]);
    expect(received.host).toBe(new URL(upstream.url).host);
    const values = Object.values(received).join('\n');
    expect(distinctiveValues.filter((value) => values.includes(value))).toEqual([]);
  });
});

describe('client headers on the passthrough of other /v1/* routes', () => {
  /** What an SDK adds that says who the client is (`x-stainless-*`): the upstream needs none of it. */
  const sdkHeaders = { 'x-stainless-os': 'Linux', 'x-stainless-runtime-version': 'v20.19.0', 'x-stainless-retry-count': '0', 'accept-language': 'fr' };
  const multipart = '--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--b--\r\n';

  it.each([
    { route: 'POST /v1/embeddings (chunked JSON)', method: 'POST', path: '/v1/embeddings', type: 'application/json', body: chatBody, chunked: true },
    { route: 'POST /v1/files (multipart)', method: 'POST', path: '/v1/files', type: 'multipart/form-data; boundary=b', body: multipart, chunked: false },
    { route: 'GET /v1/files/file-1/content', method: 'GET', path: '/v1/files/file-1/content', type: undefined, body: undefined, chunked: false },
    { route: 'DELETE /v1/files/file-1', method: 'DELETE', path: '/v1/files/file-1', type: undefined, body: undefined, chunked: false },
  ])('$route forwards only the body’s type and length, accept, the API’s beta switch and the key', async ({ method, path, type, body, chunked }) => {
    await start();
    const headers: Record<string, string> = { ...clientOnlyHeaders, ...sdkHeaders, accept: 'application/json', 'openai-beta': 'assistants=v2' };
    if (type !== undefined) headers['content-type'] = type;
    await rawRequest(app.port, { method, path, headers, body, chunked });

    const received = upstream.requests[0]!.headers;
    const allowed = [...UPSTREAM_HEADER_NAMES, 'openai-beta', 'transfer-encoding'];
    expect(Object.keys(received).filter((name) => !allowed.includes(name))).toEqual([]);
    expect(received.host).toBe(new URL(upstream.url).host);
    expect({ accept: received.accept, beta: received['openai-beta'], type: received['content-type'] }).toEqual({ accept: 'application/json', beta: 'assistants=v2', type });
    const values = Object.values(received).join('\n');
    expect(distinctiveValues.filter((value) => values.includes(value))).toEqual([]);
    expect(upstream.requests[0]!.rawBody).toBe(body ?? '');
  });
});

describe('the upstream path comes from the route', () => {
  it.each([
    { path: '/v1/chat/completions/../../x', status: 404, upstreamPaths: [] },
    { path: '/v1/chat%2Fcompletions', status: 404, upstreamPaths: [] },
    { path: '/v1/chat/completions%2F..%2F..%2Fmodels', status: 404, upstreamPaths: [] },
    { path: '//127.0.0.1:1/v1/chat/completions', status: 404, upstreamPaths: [] },
    { path: '/v1/chat/completions?path=/v1/models&url=http://evil.example/', status: 200, upstreamPaths: ['/v1/responses'] },
    { path: '/v1/chat/completions/', status: 200, upstreamPaths: ['/v1/responses'] },
    { path: '/V1/CHAT/COMPLETIONS', status: 200, upstreamPaths: ['/v1/responses'] },
  ])('POST $path: $status, upstream asked for $upstreamPaths', async ({ path, status, upstreamPaths }) => {
    await start();
    const answer = await rawRequest(app.port, { path, headers: json, body: chatBody });
    expect({ status: answer.status, upstreamPaths: upstream.requests.map((request) => request.path) }).toEqual({ status, upstreamPaths });
  });

  it.each([
    { method: 'POST', path: '/v1/embeddings/../../responses', upstreamPaths: [] },
    { method: 'POST', path: '/v1/embeddings%2F..%2Fresponses', upstreamPaths: [] },
    { method: 'POST', path: '/v1/embeddings/%2e%2e', upstreamPaths: [] },
    { method: 'GET', path: '/v1/files/%252E%252E%252Fmodels', upstreamPaths: [] },
    { method: 'GET', path: '/v1//files', upstreamPaths: [] },
    { method: 'GET', path: '/v1/files/file-1?purpose=x&url=http://evil.example/', upstreamPaths: ['/v1/files/file-1?purpose=x&url=http%3A%2F%2Fevil.example%2F'] },
    { method: 'GET', path: '/v1/files/a%3Fb%23c', upstreamPaths: ['/v1/files/a%3Fb%23c'] },
    { method: 'GET', path: '//127.0.0.1:1/v1/files', upstreamPaths: [] },
  ])('$method $path (passed through): upstream asked for $upstreamPaths', async ({ method, path, upstreamPaths }) => {
    await start();
    await rawRequest(app.port, { method, path, headers: json, body: method === 'POST' ? '{}' : undefined });
    expect(upstream.requests.map((request) => request.path)).toEqual(upstreamPaths);
  });

  it.each([
    { path: '/v1/models/..%2F..%2Fresponses', upstreamPaths: [] },
    { path: '/v1/models/%2E%2E%2Fresponses', upstreamPaths: [] },
    { path: '/v1/models/%2E%2E', upstreamPaths: [] },
    { path: '/v1/models/gpt%3Fx%3D1%23y', upstreamPaths: ['/v1/models/gpt%3Fx%3D1%23y'] },
    { path: '/v1/models/gpt?x=1', upstreamPaths: ['/v1/models/gpt'] },
  ])('GET $path: upstream asked for $upstreamPaths', async ({ path, upstreamPaths }) => {
    await start();
    await rawRequest(app.port, { method: 'GET', path });
    expect(upstream.requests.map((request) => request.path)).toEqual(upstreamPaths);
  });
});

describe('CR/LF in strings cannot split headers or SSE frames', () => {
  const injection = 'x\r\nx-injected: 1\r\n\r\n\n\ndata: [DONE]\n\n';

  /** The fake echoes the model and the user's words back, as the answer. */
  async function startEcho(): Promise<void> {
    await start();
    upstream.setDefault((request) => {
      const output = [messageItem(request.body.input[0].content)];
      const response = responseObject({ model: request.body.model, output });
      return request.body.stream
        ? { kind: 'stream', events: textStreamEvents(response, [request.body.input[0].content]) }
        : { kind: 'json', body: response };
    });
  }

  it('streaming: one JSON-escaped frame per chunk, one [DONE], last', async () => {
    await startEcho();
    const answer = await app.post({ model: `gpt${injection}`, messages: [{ role: 'user', content: injection }], stream: true });
    const text = await answer.text();
    const frames = text.split('\n\n').slice(0, -1);

    expect(answer.headers.get('x-injected')).toBeNull();
    expect(frames.filter((frame) => !frame.startsWith('data: ') || frame.includes('\n'))).toEqual([]);
    expect(frames.map((frame) => frame.slice(6)).filter((data) => data === '[DONE]')).toEqual(['[DONE]']);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)));
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set([`gpt${injection}`]));
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe(injection);
  });

  it('not streaming: the strings come back intact inside the JSON', async () => {
    await startEcho();
    const answer = await app.post({ model: `gpt${injection}`, messages: [{ role: 'user', content: injection }] });
    const completion = (await answer.json()) as { model: string; choices: Array<{ message: { content: string } }> };

    expect(answer.headers.get('x-injected')).toBeNull();
    expect({ model: completion.model, content: completion.choices[0]!.message.content }).toEqual({ model: `gpt${injection}`, content: injection });
  });
});

describe('the body size limit', () => {
  const oversized = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(8_000) }] });
  const tooLarge = {
    status: 413,
    body: { error: { message: 'The request body is too large.', type: 'invalid_request_error', param: null, code: 'request_too_large' } },
  };

  it.each([
    { how: 'a declared length over the limit', send: () => rawRequest(app.port, { path: '/v1/chat/completions', headers: json, body: oversized }) },
    { how: 'a chunked body growing past the limit', send: () => rawRequest(app.port, { path: '/v1/chat/completions', headers: json, body: oversized, chunked: true }) },
    {
      how: 'a small gzip body inflating past the limit',
      send: () => rawRequest(app.port, { path: '/v1/chat/completions', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(oversized.repeat(100)) }),
    },
    {
      how: 'a small deflate body inflating past the limit',
      send: () => rawRequest(app.port, { path: '/v1/chat/completions', headers: { ...json, 'content-encoding': 'deflate' }, body: deflateSync(oversized.repeat(100)) }),
    },
  ])('$how: 413 in the OpenAI shape, nothing sent upstream', async ({ send }) => {
    await start({ BODY_LIMIT: '4kb' });
    const answer = await send();
    expect({ status: answer.status, body: JSON.parse(answer.text) }).toEqual(tooLarge);
    expect(upstream.requests).toEqual([]);
  });

  it('serves a body just under the limit', async () => {
    await start({ BODY_LIMIT: '4kb' });
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x'.repeat(3_900) }] });
    expect((await rawRequest(app.port, { path: '/v1/chat/completions', headers: json, body })).status).toBe(200);
  });
});
