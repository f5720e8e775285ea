import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/http/error-handler.js';
import { Redactor } from '../../src/redaction.js';
import { messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { chatRequest, startHarness, type Harness } from './app-harness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

async function restart(env: Record<string, string>): Promise<void> {
  await harness.close();
  harness = await startHarness(env);
}

const post = (body: unknown) => request(harness.app).post('/v1/chat/completions').send(body as object);

/** The OpenAI error envelope; `message` may be a string, a RegExp or any matcher. */
function openAIError(message: unknown, fields: { type: string; param?: string | null; code?: unknown }) {
  return {
    error: {
      message: message instanceof RegExp ? expect.stringMatching(message) : message,
      type: fields.type,
      param: fields.param ?? null,
      code: fields.code ?? null,
    },
  };
}

describe('requests the adapter cannot read', () => {
  it('answers 400 for invalid JSON', async () => {
    const response = await request(harness.app)
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .send('{"model": "gpt-test", "messages": [');

    expect(response.status).toBe(400);
    expect(response.body).toEqual(openAIError(/could not parse the JSON body/, { type: 'invalid_request_error' }));
    expect(harness.fake.requests).toHaveLength(0);
  });

  it.each([
    { name: 'a number as content', body: { messages: [{ role: 'system', content: 'Hi' }, { role: 'user', content: 42 }] }, param: 'messages[1].content' },
    { name: 'a string as messages', body: { messages: 'Hello' }, param: 'messages' },
    { name: 'a string temperature', body: { temperature: 'hot' }, param: 'temperature' },
    { name: 'an unknown role', body: { messages: [{ role: 'robot', content: 'Hi' }] }, param: 'messages[0].role' },
    {
      name: 'a tool call without id',
      body: { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] },
      param: 'messages[0].tool_calls[0].id',
    },
  ])('answers 400 naming the field for $name', async ({ body, param }) => {
    const response = await post(chatRequest(body)).expect(400);

    expect(response.body).toEqual(openAIError(expect.any(String), { type: 'invalid_request_error', param, code: expect.any(String) }));
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('answers 400 naming a missing required field', async () => {
    const response = await post({ messages: [{ role: 'user', content: 'Hi' }] }).expect(400);
    expect(response.body).toEqual(
      openAIError("Missing required parameter: 'model'.", { type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' }),
    );
  });

  const missingModel = openAIError("Missing required parameter: 'model'.", { type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' });
  it.each([
    { name: 'no body at all', send: (test: request.Test) => test, error: missingModel },
    { name: 'an empty JSON body', send: (test: request.Test) => test.set('content-type', 'application/json').send(''), error: missingModel },
    {
      name: 'a JSON array',
      send: (test: request.Test) => test.send([chatRequest()]),
      error: openAIError('The request body must be a JSON object.', { type: 'invalid_request_error' }),
    },
    {
      name: 'a form body',
      send: (test: request.Test) => test.type('form').send('model=gpt-test'),
      error: openAIError(/could not parse the JSON body/, { type: 'invalid_request_error' }),
    },
  ])('answers 400 for $name', async ({ send, error }) => {
    const response = await send(request(harness.app).post('/v1/chat/completions'));

    expect(response.status).toBe(400);
    expect(response.body).toEqual(error);
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('reads a JSON body sent as text/plain, as curl users do', async () => {
    await request(harness.app).post('/v1/chat/completions').set('content-type', 'text/plain').send(JSON.stringify(chatRequest())).expect(200);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('answers 413 for a body over BODY_LIMIT', async () => {
    await restart({ BODY_LIMIT: '1kb' });

    const response = await post(chatRequest({ messages: [{ role: 'user', content: 'x'.repeat(2000) }] }));

    expect(response.status).toBe(413);
    expect(response.body).toEqual(openAIError(expect.any(String), { type: 'invalid_request_error', code: 'request_too_large' }));
    expect(harness.fake.requests).toHaveLength(0);
  });

  it.each([
    // /v1/completions and every other /v1/* route are forwarded upstream (drop-in routes).
    ['POST', '/v2/completions'],
    ['GET', '/v1'],
    ['GET', '/v1/chat/completions/chatcmpl-1/unknown'],
    ['GET', '/'],
  ])('answers 404 for %s %s', async (method, path) => {
    const response = await request(harness.app)[method === 'GET' ? 'get' : 'post'](path);

    expect(response.status).toBe(404);
    expect(response.body).toEqual(openAIError(`Unknown request URL: ${method} ${path}.`, { type: 'invalid_request_error', code: 'unknown_url' }));
  });
});

describe('upstream errors', () => {
  it.each([
    {
      status: 400,
      type: 'invalid_request_error',
      code: 'integer_below_min_value',
      param: 'max_output_tokens',
      message: "Invalid 'max_output_tokens': integer below minimum value.",
    },
    { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', param: null, message: 'Incorrect API key provided: sk-abc***xyz.' },
    { status: 404, type: 'invalid_request_error', code: 'model_not_found', param: null, message: 'The model `gpt-nope` does not exist or you do not have access to it.' },
    { status: 429, type: 'tokens', code: 'rate_limit_exceeded', param: null, message: 'Rate limit reached for gpt-test on tokens per min (TPM).' },
    { status: 500, type: 'server_error', code: null, param: null, message: 'The server had an error while processing your request. Sorry about that!' },
    { status: 503, type: 'server_error', code: 'overloaded', param: null, message: 'The engine is currently overloaded, please try again later.' },
  ])('passes an upstream $status on with its message and code', async ({ status, type, code, param, message }) => {
    harness.fake.enqueue({ kind: 'json', status, body: { error: { message, type, param, code } } });

    const response = await post(chatRequest());

    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { message, type, param, code } });
  });

  it('passes the rate-limit headers of a 429 back', async () => {
    const rateLimitHeaders = {
      'retry-after': '7',
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '7s',
    };
    harness.fake.enqueue({
      kind: 'json',
      status: 429,
      headers: rateLimitHeaders,
      body: { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });

    const response = await post(chatRequest()).expect(429);

    expect(response.headers).toMatchObject(rateLimitHeaders);
  });

  it('summarises an HTML error page as a readable 502', async () => {
    const nginxPage =
      '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    harness.fake.enqueue({ kind: 'raw', status: 502, body: nginxPage });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(
      openAIError('The upstream answered HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx.', { type: 'server_error', code: 'upstream_error' }),
    );
  });

  it.each([
    { name: 'not JSON', body: 'Hello', contentType: 'text/plain' },
    { name: 'a JSON array', body: '[]', contentType: 'application/json' },
    { name: 'an object without output', body: '{"id":"resp_1","object":"response"}', contentType: 'application/json' },
    { name: 'output that is not a list', body: '{"id":"resp_1","object":"response","status":"completed","output":5}', contentType: 'application/json' },
  ])('answers 502 when a 200 from the upstream is $name', async ({ body, contentType }) => {
    harness.fake.enqueue({ kind: 'raw', status: 200, body, contentType });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(openAIError(expect.any(String), { type: 'server_error', code: 'upstream_protocol_error' }));
  });

  it('keeps the message of an error body a relay sent with a 200', async () => {
    harness.fake.enqueue({ kind: 'json', body: { error: { message: 'Relay budget exhausted.', type: 'relay_error', param: null, code: 'budget' } } });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(openAIError('Relay budget exhausted.', { type: 'relay_error', code: 'budget' }));
  });

  it.each([301, 307, 308])('answers 502 when the upstream redirects with %s, without following or passing it on', async (status) => {
    harness.fake.enqueue({ kind: 'json', status, headers: { location: 'http://internal.example/v1/responses' }, body: {} });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(
      openAIError(`The upstream answered with a redirect (HTTP ${status}); check UPSTREAM_BASE_URL.`, { type: 'server_error', code: 'upstream_redirect' }),
    );
    expect(response.headers).not.toHaveProperty('location');
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('answers 502 upstream_unreachable when the upstream refuses connections', async () => {
    const closedPort = await unusedPort();
    await restart({ UPSTREAM_BASE_URL: `http://127.0.0.1:${closedPort}/v1` });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(openAIError(`Could not reach the upstream: ECONNREFUSED 127.0.0.1:${closedPort} (UPSTREAM_BASE_URL).`, { type: 'server_error', code: 'upstream_unreachable' }));
  });

  it('names the host and the setting when the upstream’s name does not resolve', async () => {
    await restart({ UPSTREAM_BASE_URL: 'http://adapter-test-host.invalid/v1' });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(
      openAIError(/^Could not reach the upstream: (ENOTFOUND|EAI_AGAIN) adapter-test-host\.invalid \(UPSTREAM_BASE_URL\)\.$/, { type: 'server_error', code: 'upstream_unreachable' }),
    );
  });

  it('answers 502 when the upstream resets the connection before answering', async () => {
    harness.fake.enqueue({ kind: 'destroy' });

    const response = await post(chatRequest()).expect(502);

    expect(response.body).toEqual(openAIError(/^Could not reach the upstream/, { type: 'server_error', code: 'upstream_unreachable' }));
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('never sends a POST again that the upstream received and then reset, whatever UPSTREAM_RETRIES allows', async () => {
    await restart({ UPSTREAM_RETRIES: '3' });
    harness.fake.enqueue({ kind: 'destroy' }, { kind: 'json', body: responseObject({ output: [messageItem('Billed twice.')] }) });

    const response = await post(chatRequest()).expect(502);

    expect(response.body.error).toMatchObject({ type: 'server_error', code: 'upstream_unreachable' });
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('answers 504 when the upstream is slower than UPSTREAM_TIMEOUT_MS', async () => {
    await restart({ UPSTREAM_TIMEOUT_MS: '100' });
    harness.fake.enqueue({ kind: 'json', delayMs: 2000, body: responseObject({ output: [messageItem('Too late.')] }) });

    const started = Date.now();
    const response = await post(chatRequest()).expect(504);

    expect(response.body).toEqual(openAIError('The upstream did not answer within 100 ms.', { type: 'server_error', code: 'upstream_timeout' }));
    expect(Date.now() - started).toBeLessThan(1500);
    await harness.fake.waitForAbort();
  });

  it('aborts the upstream call when the client goes away', async () => {
    harness.fake.enqueue({ kind: 'json', delayMs: 3000, body: responseObject({ output: [messageItem('Nobody is listening.')] }) });

    await expect(post(chatRequest()).timeout(200)).rejects.toThrow(/Timeout/);

    await harness.fake.waitForAbort();
  });

  it.each([
    { code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.', status: 429, type: 'insufficient_quota' },
    { code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-test.', status: 429, type: 'rate_limit_error' },
    { code: 'server_error', message: 'The model failed to generate a response.', status: 500, type: 'server_error' },
    { code: 'invalid_prompt', message: 'Invalid prompt: flagged as potentially violating our usage policy.', status: 400, type: 'invalid_request_error' },
  ])('turns a 200 with status failed and code $code into a $status', async ({ code, message, status, type }) => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ status: 'failed', error: { code, message }, output: [], usage: null }) });

    const response = await post(chatRequest());

    expect(response.status).toBe(status);
    expect(response.body).toEqual(openAIError(message, { type, code }));
  });

  it('ends the sibling calls of n > 1 when one of them fails', async () => {
    harness.fake.enqueue(
      { kind: 'json', status: 500, body: { error: { message: 'Boom.', type: 'server_error', param: null, code: null } } },
      { kind: 'json', delayMs: 3000, body: responseObject({ output: [messageItem('slow')] }) },
    );

    const response = await post(chatRequest({ n: 2 })).expect(500);

    expect(response.body.error.message).toBe('Boom.');
    await harness.fake.waitForAbort();
  });
});

describe('a fault inside the adapter', () => {
  it('answers a generic 500 without the message or stack of the fault', async () => {
    const app = express();
    app.get('/crash', () => {
      throw new TypeError("Cannot read properties of null (reading 'type') at /srv/app/dist/translate/response.js:42");
    });
    app.use(errorHandler(new Redactor([])));

    const response = await request(app).get('/crash').expect(500);

    expect(response.body).toEqual(openAIError('The adapter failed while handling the request.', { type: 'server_error', code: 'internal_error' }));
  });
});

/** A port nothing listens on: bound, read, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
