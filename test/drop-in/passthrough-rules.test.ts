/**
 * The rules of the `/v1/*` passthrough: which path and query reach the upstream, which routes the
 * operator fences off (PASSTHROUGH_ROUTES, PASSTHROUGH_DENY), and how upstream errors come back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, raw, startAdapter, type RunningAdapter } from './adapter.js';
import { startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
let adapter: RunningAdapter;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

async function start(env: Record<string, string> = {}): Promise<void> {
  upstream = await startApiUpstream();
  adapter = await startAdapter(upstream.url, env);
}

const unknownUrl = (method: string, path: string) => ({
  error: { message: `Unknown request URL: ${method} ${path}.`, type: 'invalid_request_error', param: null, code: 'unknown_url' },
});

describe('the upstream path and query', () => {
  it.each([
    ['GET', '/v1/files/file-1/content', '/v1/files/file-1/content'],
    ['GET', '/v1/vector_stores/vs_1/files?limit=2&order=desc', '/v1/vector_stores/vs_1/files?limit=2&order=desc'],
    ['POST', '/v1/batches/batch_1/cancel', '/v1/batches/batch_1/cancel'],
    ['DELETE', '/v1/files/file-1', '/v1/files/file-1'],
    // A fine-tuned model is deleted on /v1/models/{id}; only GET is the adapter's own models route.
    ['DELETE', '/v1/models/ft:gpt-4o:org:custom:1', '/v1/models/ft%3Agpt-4o%3Aorg%3Acustom%3A1'],
    // Decoded, then encoded again, segment by segment and pair by pair.
    ['GET', '/v1/%66iles', '/v1/files'],
    ['GET', '/v1/files?purpose=a+b&after=file%2F1&x', '/v1/files?purpose=a%20b&after=file%2F1&x='],
    ['GET', '/v1/files/file%201', '/v1/files/file%201'],
    // An absolute target names a host; only the path is used, on the configured upstream.
    ['GET', 'http://evil.example/v1/files', '/v1/files'],
  ])('%s %s asks the upstream for %s', async (method, path, upstreamUrl) => {
    await start();
    await raw(adapter.port, { method, path });
    expect(upstream.requests.map((request) => `${request.method} ${request.url}`)).toEqual([`${method} ${upstreamUrl}`]);
  });

  it.each([
    '/v1/files/../models',
    '/v1/files/%2E%2E/models',
    '/v1/files/.',
    '/v1/files/a%2Fb',
    '/v1/files/a%5Cb',
    '/v1/files/a\\b',
    '/v1/files//content',
    '/v1/files/',
    '/v1/files/%252E%252E',
    '/v1/files/a%00b',
    '/v1/files/%E0%A4%A',
  ])('GET %s: an OpenAI-shaped 4xx, nothing sent upstream', async (path) => {
    await start();
    const answer = await raw(adapter.port, { path });
    expect([400, 404]).toContain(answer.status);
    expect(answer.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: expect.toBeOneOf([null, 'unknown_url']) } });
    expect(upstream.requests).toEqual([]);
  });

  it.each([
    ['GET', '/v1/responses/resp_1/unknown'],
    ['PUT', '/v1/files/file-1'],
    ['PATCH', '/v1/files/file-1'],
    ['GET', '/v2/files'],
    ['GET', '/V1/files'],
  ])('%s %s is not forwarded: the 404 of unknown routes', async (method, path) => {
    await start();
    const answer = await raw(adapter.port, { method, path, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect({ status: answer.status, body: answer.json() }).toEqual({ status: 404, body: unknownUrl(method, path) });
    expect(upstream.requests).toEqual([]);
  });
});

describe('the adapter’s own namespace', () => {
  it.each([
    ['GET', '/v1/chat/completions', 200],
    ['POST', '/v1/chat/completions/chatcmpl-1', 400],
  ])('%s %s (stored completions) is answered by the adapter, not forwarded', async (method, path, status) => {
    await start();
    const answer = await raw(adapter.port, { method, path, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect(answer.status).toBe(status);
    expect(upstream.requests).toEqual([]);
  });

  it.each([
    ['POST', '/v1/adapter/translate'],
    ['GET', '/v1/adapter/anything'],
    ['POST', '/v1/Adapter/translate'],
  ])('%s %s is never forwarded upstream, whatever the fence', async (method, path) => {
    await start({ PASSTHROUGH_ROUTES: '/v1/adapter' });
    await raw(adapter.port, { method, path, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect(upstream.requests).toEqual([]);
  });
});

describe('the fence (PASSTHROUGH_ROUTES, PASSTHROUGH_DENY)', () => {
  async function statuses(paths: string[]): Promise<Record<string, number>> {
    const seen: Record<string, number> = {};
    for (const path of paths) {
      const [method, target] = path.split(' ') as [string, string];
      const chat = target === '/v1/chat/completions';
      const body = method === 'POST' ? JSON.stringify(chat ? { model: 'm', messages: [{ role: 'user', content: 'Hi' }] } : { model: 'm', input: 'x' }) : undefined;
      seen[path] = (await raw(adapter.port, { method, path: target, headers: { 'content-type': 'application/json' }, body })).status;
    }
    return seen;
  }

  it('an allow list forwards only its prefixes, by whole segments; the chat route is always served', async () => {
    await start({ PASSTHROUGH_ROUTES: '/v1/embeddings,/v1/vector_stores' });
    expect(
      await statuses([
        'POST /v1/embeddings',
        'GET /v1/vector_stores/vs_1/files',
        'GET /v1/vector_storesx',
        'GET /v1/files',
        'GET /v1/models',
        'POST /v1/responses',
        'POST /v1/chat/completions',
      ]),
    ).toEqual({
      'POST /v1/embeddings': 200,
      'GET /v1/vector_stores/vs_1/files': 404,
      'GET /v1/vector_storesx': 404,
      'GET /v1/files': 404,
      'GET /v1/models': 404,
      'POST /v1/responses': 404,
      'POST /v1/chat/completions': 200,
    });
    // vector_stores/vs_1/files reached the upstream (its own 404); the others did not.
    expect(upstream.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/embeddings',
      'GET /v1/vector_stores/vs_1/files',
      'POST /v1/responses',
    ]);
    // The chat route's own call: a translated request.
    expect(upstream.requests[2]!.body.toString()).toContain('"input":[');
  });

  it('none forwards nothing but the chat route', async () => {
    await start({ PASSTHROUGH_ROUTES: 'none' });
    const answer = await raw(adapter.port, { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect({ status: answer.status, body: answer.json() }).toEqual({ status: 404, body: unknownUrl('POST', '/v1/embeddings') });
    expect((await statuses(['GET /v1/models', 'POST /v1/chat/completions']))).toEqual({ 'GET /v1/models': 404, 'POST /v1/chat/completions': 200 });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/v1/responses']);
  });

  it('a deny list refuses its prefixes however they are spelt, and only those', async () => {
    await start({ PASSTHROUGH_DENY: '/v1/files,/v1/responses' });
    expect(
      await statuses(['GET /v1/files', 'GET /v1/Files/file-1', 'GET /v1/%66iles/file-1/content', 'GET /v1/files/', 'GET /v1/filesystem', 'GET /v1/responses/resp_1', 'GET /v1/models']),
    ).toEqual({
      'GET /v1/files': 404,
      'GET /v1/Files/file-1': 404,
      'GET /v1/%66iles/file-1/content': 404,
      'GET /v1/files/': 404,
      'GET /v1/filesystem': 404,
      'GET /v1/responses/resp_1': 404,
      'GET /v1/models': 200,
    });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/v1/filesystem', '/v1/models']);
  });
});

describe('upstream answers that are errors', () => {
  it('come back with their status and body, the keys in them redacted', async () => {
    await start({ ADAPTER_API_KEYS: 'sk-adapter-key-77', UPSTREAM_API_KEY: 'sk-upstream-key-77' });
    upstream.route('POST', '/v1/embeddings', (request, response) => {
      const body = JSON.stringify({
        error: { message: `Incorrect API key provided: ${request.headers.authorization}. Also sk-adapter-key-77.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
      response.writeHead(401, { 'content-type': 'application/json', 'content-length': String(body.length) });
      response.end(body);
    });
    const answer = await raw(adapter.port, {
      method: 'POST',
      path: '/v1/embeddings',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-adapter-key-77' },
      body: '{"model":"m","input":"x"}',
    });
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({
      error: { message: 'Incorrect API key provided: Bearer [redacted]. Also [redacted].', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
    expect(answer.headers['content-length']).toBe(String(answer.body.length));
  });

  it('pass the rate-limit and retry advice on, as the SDKs obey it', async () => {
    await start();
    upstream.route('POST', '/v1/images/generations', (_request, response) => {
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '2',
        'retry-after-ms': '1500',
        'x-should-retry': 'true',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1.5s',
      });
      response.end(JSON.stringify({ error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
    });
    const answer = await raw(adapter.port, { method: 'POST', path: '/v1/images/generations', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({
      'retry-after': '2',
      'retry-after-ms': '1500',
      'x-should-retry': 'true',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1.5s',
    });
    expect(answer.json().error.code).toBe('rate_limit_exceeded');
  });

  it('that are not JSON come back as they are', async () => {
    await start();
    upstream.route('GET', '/v1/batches', (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end('<html><body>Service Unavailable</body></html>');
    });
    const answer = await raw(adapter.port, { path: '/v1/batches' });
    expect({ status: answer.status, type: answer.headers['content-type'], body: answer.body.toString() }).toEqual({
      status: 503,
      type: 'text/html',
      body: '<html><body>Service Unavailable</body></html>',
    });
  });

  it('a redirect is a 502, never followed', async () => {
    await start();
    upstream.route('GET', '/v1/batches', (_request, response) => {
      response.writeHead(302, { location: 'http://elsewhere.example/v1/batches' });
      response.end();
    });
    const answer = await raw(adapter.port, { path: '/v1/batches' });
    expect({ status: answer.status, code: answer.json().error.code }).toEqual({ status: 502, code: 'upstream_redirect' });
  });

  it('an unreachable upstream is a 502 in the OpenAI shape', async () => {
    upstream = await startApiUpstream();
    const url = upstream.url;
    await upstream.close();
    adapter = await startAdapter(url);
    upstream = await startApiUpstream();
    const answer = await raw(adapter.port, { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: '{"input":"x"}' });
    expect({ status: answer.status, body: answer.json() }).toEqual({
      status: 502,
      body: { error: { message: expect.stringMatching(/^Could not reach the upstream: ECONNREFUSED/), type: 'server_error', param: null, code: 'upstream_unreachable' } },
    });
  });
});

describe('headers passed back', () => {
  it.each<{ mode: string; env: Record<string, string>; organization: string | undefined }>([
    { mode: 'open', env: {}, organization: 'org-operator-name' },
    { mode: 'keyed', env: { ADAPTER_API_KEYS: 'sk-adapter-key-88', UPSTREAM_API_KEY: 'sk-upstream-key-88' }, organization: undefined },
  ])('$mode: the API version and timing; the account of the key used only when it is the client’s own', async ({ env, organization }) => {
    await start(env);
    const answer = await raw(adapter.port, {
      method: 'POST',
      path: '/v1/embeddings',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-adapter-key-88' },
      body: '{"model":"m","input":"x"}',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'openai-version': '2020-10-01', 'openai-processing-ms': '42', 'x-ratelimit-remaining-requests': '4999' });
    expect(answer.headers['openai-organization']).toBe(organization);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });
});

describe('metrics', () => {
  it('count a passed-through request under one route label, never by its path', async () => {
    await start();
    await raw(adapter.port, { path: '/v1/files/file-secret-id-42/content' });
    // A request is counted when its answer closes, which can trail the client by a tick.
    let text = '';
    for (let attempt = 0; attempt < 50 && !text.includes('/v1/*path'); attempt++) {
      text = (await raw(adapter.port, { path: '/metrics' })).body.toString();
    }
    expect(text).toMatch(/chat_adapter_requests_total\{[^}]*route="\/v1\/\*path"[^}]*\} 1/);
    expect(text).not.toContain('file-secret-id-42');
  });
});
