import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { chatRequest, LEVEL, startHarness, type Harness } from './app-harness.js';

const CLIENT_KEY = 'sk-client-4f1c2e9a7b';
const UPSTREAM_KEY = 'sk-upstream-8d3b6a0c5e';
const ADAPTER_KEY = 'sk-adapter-2a7e9f4d1c';
const OTHER_ADAPTER_KEY = 'sk-adapter-second-6b2d';
const CONTENT = 'canary-content-5e8d1f';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const post = (body: unknown, key?: string) => {
  const test = request(harness.app).post('/v1/chat/completions');
  if (key !== undefined) test.set('authorization', `Bearer ${key}`);
  return test.send(body as object);
};

describe('upstream credentials', () => {
  it('forwards the client key, organization and project when UPSTREAM_API_KEY is unset', async () => {
    harness = await startHarness();

    await post(chatRequest(), CLIENT_KEY).set('openai-organization', 'org-abc').set('openai-project', 'proj-xyz').expect(200);

    expect(harness.fake.requests[0]!.headers).toMatchObject({
      authorization: `Bearer ${CLIENT_KEY}`,
      'openai-organization': 'org-abc',
      'openai-project': 'proj-xyz',
    });
  });

  it('sends nothing of the client when UPSTREAM_API_KEY is set', async () => {
    harness = await startHarness({ UPSTREAM_API_KEY: UPSTREAM_KEY, ADAPTER_AUTH: 'none' });

    await post(chatRequest(), CLIENT_KEY).set('openai-organization', 'org-abc').expect(200);

    const headers = harness.fake.requests[0]!.headers;
    expect(headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(headers).not.toHaveProperty('openai-organization');
    expect(JSON.stringify(harness.fake.requests)).not.toContain(CLIENT_KEY);
  });
});

describe('client keys (ADAPTER_API_KEYS)', () => {
  const env = { UPSTREAM_API_KEY: UPSTREAM_KEY, ADAPTER_API_KEYS: `${ADAPTER_KEY}, ${OTHER_ADAPTER_KEY}` };

  it.each([
    { name: 'no key', key: undefined },
    { name: 'a wrong key', key: 'sk-adapter-wrong' },
    { name: 'a prefix of a right key', key: ADAPTER_KEY.slice(0, -1) },
    { name: 'the upstream key', key: UPSTREAM_KEY },
  ])('answers 401 to $name without calling the upstream', async ({ key }) => {
    harness = await startHarness(env);

    const response = await post(chatRequest(), key).expect(401);

    expect(response.body).toEqual({
      error: {
        message: 'Incorrect API key provided. Use a key issued for this adapter.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    expect(harness.fake.requests).toHaveLength(0);
  });

  it.each([ADAPTER_KEY, OTHER_ADAPTER_KEY])('serves %s and calls the upstream with UPSTREAM_API_KEY', async (key) => {
    harness = await startHarness(env);

    await post(chatRequest(), key).expect(200);

    expect(harness.fake.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('guards the models routes too', async () => {
    harness = await startHarness(env);
    await request(harness.app).get('/v1/models').expect(401);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('leaves /healthz open', async () => {
    harness = await startHarness(env);
    await request(harness.app).get('/healthz').expect(200, { status: 'ok' });
  });
});

describe('request log lines', () => {
  it('writes one line per request with method, path, status and request id', async () => {
    harness = await startHarness();

    const response = await post(chatRequest()).expect(200);
    const requestId = response.headers['x-request-id'] as string;

    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await harness.requestLog(requestId)).toMatchObject({
      level: LEVEL.info,
      req: { id: requestId, method: 'POST', path: '/v1/chat/completions' },
      res: { statusCode: 200 },
    });
    expect(harness.logLines()).toHaveLength(1);
  });

  it('reuses a safe incoming x-request-id, echoes it and passes it upstream', async () => {
    harness = await startHarness();

    const response = await post(chatRequest()).set('x-request-id', 'trace-42.a:b_c').expect(200);

    expect(response.headers['x-request-id']).toBe('trace-42.a:b_c');
    expect(harness.fake.requests[0]!.headers['x-client-request-id']).toBe('trace-42.a:b_c');
    await harness.requestLog('trace-42.a:b_c');
  });

  it.each([
    ['spaces and quotes', 'id with "quotes"'],
    ['a log-forging payload', 'x\\n{"level":60}'],
    ['a 129-character id', 'a'.repeat(129)],
  ])('replaces an unsafe x-request-id (%s)', async (_name, incoming) => {
    harness = await startHarness();

    const response = await post(chatRequest()).set('x-request-id', incoming).expect(200);

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await harness.requestLog(response.headers['x-request-id'] as string);
    expect(harness.logLines().filter((line) => line.req?.id === incoming)).toEqual([]);
  });

  it.each([
    { name: 'a success', status: 200, level: LEVEL.info, send: () => post(chatRequest()) },
    { name: 'an invalid request', status: 400, level: LEVEL.warn, send: () => post({ model: 'gpt-test' }) },
    { name: 'an unknown route', status: 404, level: LEVEL.warn, send: () => request(harness.app).get('/v1/nothing') },
    {
      name: 'an upstream 429',
      status: 429,
      level: LEVEL.warn,
      send: () => {
        harness.fake.enqueue({ kind: 'json', status: 429, body: { error: { message: 'Slow down.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
        return post(chatRequest());
      },
    },
    {
      name: 'an upstream 503',
      status: 503,
      level: LEVEL.error,
      send: () => {
        harness.fake.enqueue({ kind: 'json', status: 503, body: { error: { message: 'Overloaded.', type: 'server_error', param: null, code: null } } });
        return post(chatRequest());
      },
    },
    {
      name: 'an upstream timeout',
      status: 504,
      level: LEVEL.error,
      send: () => {
        harness.fake.enqueue({ kind: 'json', delayMs: 1000, body: {} });
        return post(chatRequest());
      },
    },
  ])('logs $name ($status) at level $level', async ({ status, level, send }) => {
    harness = await startHarness({ UPSTREAM_TIMEOUT_MS: '100' });

    const response = await send();

    expect(response.status).toBe(status);
    expect(await harness.requestLog(response.headers['x-request-id'] as string)).toMatchObject({ level, res: { statusCode: status } });
  });

  it.each([
    { status: 400, message: "Missing required parameter: 'messages'.", send: () => post({ model: 'gpt-test' }) },
    {
      status: 503,
      message: 'Overloaded.',
      send: () => {
        harness.fake.enqueue({ kind: 'json', status: 503, body: { error: { message: 'Overloaded.', type: 'server_error', param: null, code: null } } });
        return post(chatRequest());
      },
    },
  ])('puts the $status error on the one line of its request, without a stack', async ({ status, message, send }) => {
    harness = await startHarness();

    const response = await send();
    const requestId = response.headers['x-request-id'] as string;

    expect(response.status).toBe(status);
    const line = await harness.requestLog(requestId);
    expect(line.err).toMatchObject({ message, status });
    expect(line.err).not.toHaveProperty('stack');
    expect(harness.logLines().filter((candidate) => candidate.req?.id === requestId)).toHaveLength(1);
  });

  it('logs the path without the query string', async () => {
    harness = await startHarness();
    const response = await request(harness.app).get('/v1/models?api_key=sk-in-query-7c1d');
    expect((await harness.requestLog(response.headers['x-request-id'] as string)).req.path).toBe('/v1/models');
    expect(harness.logText()).not.toContain('sk-in-query-7c1d');
  });
});

describe('secrets and content never reach the logs', () => {
  const conversation = {
    messages: [
      { role: 'system', content: `System ${CONTENT}` },
      { role: 'user', content: `User ${CONTENT}`, name: 'alice' },
    ],
    seed: 7,
  };

  /** Successes, warnings, rejections and upstream failures: every path that logs. */
  async function exercise(key: string): Promise<void> {
    await post(chatRequest(conversation), key).expect(200);
    await post(chatRequest({ ...conversation, temperature: 'warm' }), key).expect(400);
    await post({ ...chatRequest(conversation), n: 99 }, key).expect(400);
    harness.fake.enqueue({ kind: 'json', status: 400, body: { error: { message: 'Bad input.', type: 'invalid_request_error', param: 'input', code: null } } });
    await post(chatRequest(conversation), key).expect(400);
    harness.fake.enqueue({ kind: 'json', status: 500, body: { error: { message: 'Boom.', type: 'server_error', param: null, code: null } } });
    await post(chatRequest(conversation), key).expect(500);
    harness.fake.enqueue({ kind: 'destroy' });
    await post(chatRequest(conversation), key).expect(502);
    harness.fake.enqueue({ kind: 'json', body: { status: 'failed' } });
    await post(chatRequest(conversation), key).expect(502);
    await request(harness.app).get('/v1/models').set('authorization', `Bearer ${key}`);
  }

  it('with the client key forwarded', async () => {
    harness = await startHarness();

    await exercise(CLIENT_KEY);

    expect(await harness.requestLogs(8)).toHaveLength(8);
    for (const secret of [CLIENT_KEY, CONTENT]) expect(harness.logText()).not.toContain(secret);
  });

  it('with client keys and an upstream key', async () => {
    harness = await startHarness({ UPSTREAM_API_KEY: UPSTREAM_KEY, ADAPTER_API_KEYS: `${ADAPTER_KEY},${OTHER_ADAPTER_KEY}` });

    await exercise(ADAPTER_KEY);
    await post(chatRequest(conversation), CLIENT_KEY).expect(401);

    expect(await harness.requestLogs(9)).toHaveLength(9);
    for (const secret of [CLIENT_KEY, UPSTREAM_KEY, ADAPTER_KEY, OTHER_ADAPTER_KEY, CONTENT]) {
      expect(harness.logText()).not.toContain(secret);
    }
  });
});
