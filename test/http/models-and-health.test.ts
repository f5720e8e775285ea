import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './app-harness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

/** A GET with the path sent byte for byte: URL-based clients would resolve `..` and `%2E` first. */
async function rawGet(path: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(await harness.listen());
  return new Promise((resolve, reject) => {
    get({ host: hostname, port, path }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('GET /v1/models', () => {
  it('forwards the upstream list with its status and body', async () => {
    const response = await request(harness.app).get('/v1/models').set('authorization', 'Bearer sk-client').expect(200);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      object: 'list',
      data: [{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'system' }],
    });
    expect(harness.fake.requests.map(({ method, path }) => ({ method, path }))).toEqual([{ method: 'GET', path: '/v1/models' }]);
    expect(harness.fake.requests[0]!.headers.authorization).toBe('Bearer sk-client');
  });

  it('answers 502 instead of passing on an upstream redirect', async () => {
    const redirecting = createServer((_request, response) => response.writeHead(302, { location: 'http://elsewhere.example/v1/models' }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', () => resolve()));
    await harness.close();
    harness = await startHarness({ UPSTREAM_BASE_URL: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v1` });

    const response = await request(harness.app).get('/v1/models');
    redirecting.close();

    expect(response.status).toBe(502);
    expect(response.headers).not.toHaveProperty('location');
    expect(response.body.error).toMatchObject({ type: 'server_error', code: 'upstream_redirect' });
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    await harness.close();
    harness = await startHarness({ UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1' });

    const response = await request(harness.app).get('/v1/models').expect(502);

    expect(response.body.error).toMatchObject({ type: 'server_error', code: 'upstream_unreachable' });
  });
});

describe('GET /v1/models/{id}', () => {
  it('forwards the upstream status and body', async () => {
    const response = await request(harness.app).get('/v1/models/gpt-nope').expect(404);

    expect(response.body).toEqual({
      error: { message: 'Invalid URL (GET /v1/models/gpt-nope)', type: 'invalid_request_error', param: null, code: null },
    });
    expect(harness.fake.requests.map((upstreamRequest) => upstreamRequest.path)).toEqual(['/v1/models/gpt-nope']);
  });

  it.each([
    ['/v1/models/ft%3Agpt-4o%3Amy-org', '/v1/models/ft%3Agpt-4o%3Amy-org'],
    ['/v1/models/gpt-4.1', '/v1/models/gpt-4.1'],
  ])('keeps the id %s in one segment upstream', async (path, upstreamPath) => {
    await rawGet(path);
    expect(harness.fake.requests.map((upstreamRequest) => upstreamRequest.path)).toEqual([upstreamPath]);
  });

  it.each([
    '/v1/models/..',
    '/v1/models/%2E%2E',
    '/v1/models/%2e',
    '/v1/models/../responses',
    '/v1/models/%2E%2E/responses',
    // A relay that decodes %2F (or decodes twice) would resolve these to /v1/files and the like.
    '/v1/models/..%2Ffiles',
    '/v1/models/..%2Fresponses',
    '/v1/models/a%2F..%2F..%2Fadmin',
    '/v1/models/%252E%252E',
    '/v1/models/..%5Cfiles',
  ])(
    'never lets %s leave /models upstream',
    async (path) => {
      const response = await rawGet(path);

      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        error: { message: expect.any(String), type: 'invalid_request_error', param: expect.toBeOneOf(['model', null]), code: expect.any(String) },
      });
      expect(harness.fake.requests).toEqual([]);
    },
  );

  it('answers 400 for an id that is not valid percent-encoding', async () => {
    const response = await rawGet('/v1/models/%E0%A4%A');

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { message: "Failed to decode param '%E0%A4%A'.", type: 'invalid_request_error', param: null, code: null } });
    expect(harness.fake.requests).toEqual([]);
  });
});

describe('GET /healthz', () => {
  it('answers 200 without calling the upstream', async () => {
    await request(harness.app).get('/healthz').expect(200, { status: 'ok' });
    expect(harness.fake.requests).toEqual([]);
  });
});

describe('GET /readyz', () => {
  it('answers 200 ready, without a key even when keys are required', async () => {
    const guarded = await startHarness({ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_API_KEYS: 'sk-client' });
    try {
      await request(guarded.app).get('/readyz').expect(200, { status: 'ready' });
      await request(guarded.app).get('/v1/models').expect(401);
      expect(guarded.fake.requests).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});
