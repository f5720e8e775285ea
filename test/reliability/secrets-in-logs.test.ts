import { afterEach, describe, expect, it } from 'vitest';
import {
  messageItem,
  responseObject,
  startFakeUpstream,
  textStreamEvents,
  type FakeUpstream,
  type RecordedRequest,
} from '../../tools/fake-upstream/index.js';
import { rawRequest, startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { eventually, startScriptedUpstream } from './scripted-upstream.js';

const CLIENT_KEY = 'sk-client-4f9a2c7e1b3d';
const WRONG_KEY = 'sk-wrong-8e6d5c4b3a21';
const UPSTREAM_KEY = 'sk-upstream-b81d2e0f9c77';
const AZURE_KEY = 'azure-key-55aa66bb77cc';

let upstream: FakeUpstream;
let app: AppUnderTest;
const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.close();
});

const chat = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };
const events = textStreamEvents(responseObject({ output: [messageItem('Hello world')] }), ['Hello', ' world']);
const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');

/** How a relay answers a bad key when it repeats it in full (OpenAI masks it; some proxies do not). */
const keyQuotingError = (authorization: unknown) => ({
  error: {
    message: `Incorrect API key provided: ${String(authorization).replace(/^Bearer /, '')}.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
});
const echoTheKey = (request: RecordedRequest) => ({ kind: 'json' as const, status: 401, body: keyQuotingError(request.headers.authorization) });
const streamError = { type: 'error', error: { type: 'server_error', code: 'server_error', message: 'Stream broke.', param: null } };

/** Reads a stream until its first words, then goes away. */
async function abandonStream(headers: Record<string, string>): Promise<void> {
  const client = new AbortController();
  const answer = await app.post({ ...chat, stream: true }, { headers, signal: client.signal });
  const reader = answer.body!.getReader();
  let text = '';
  while (!text.includes('Hello')) text += new TextDecoder().decode((await reader.read()).value);
  client.abort();
  await upstream.waitForAbort();
}

describe.each<{ mode: string; env: Record<string, string>; upstreamSees: string }>([
  { mode: 'with adapter keys and an upstream key', env: { ADAPTER_API_KEYS: CLIENT_KEY, UPSTREAM_API_KEY: UPSTREAM_KEY }, upstreamSees: UPSTREAM_KEY },
  { mode: 'open, forwarding the client key', env: {}, upstreamSees: CLIENT_KEY },
])('keys never reach the logs, $mode', ({ env, upstreamSees }) => {
  it('across success, 4xx, 5xx, stream error and abort paths', async () => {
    upstream = await startFakeUpstream();
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
    running.push(upstream, app);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'api-key': AZURE_KEY, 'x-api-key': AZURE_KEY };
    const post = async (body: unknown, extra: Record<string, string> = {}) => {
      const answer = await app.post(body, { headers: { ...headers, ...extra } });
      return { status: answer.status, text: await answer.text() };
    };

    const answers = [await post(chat), await post({ ...chat, stream: true }), await post({ ...chat, temperature: 'hot' })];
    answers.push(await post(chat, { authorization: `Bearer ${WRONG_KEY}` }));
    upstream.enqueue({ kind: 'json', status: 500, body: { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } } });
    answers.push(await post(chat));
    upstream.enqueue(echoTheKey);
    answers.push(await post(chat));
    upstream.enqueue({ kind: 'stream', events: [...events.slice(0, firstDelta + 1), streamError] });
    answers.push(await post({ ...chat, stream: true }));
    upstream.enqueue({ kind: 'stream', events, holdAfter: firstDelta + 1 });
    await abandonStream(headers);

    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toEqual([200, 200, 400, env.ADAPTER_API_KEYS ? 401 : 200, 500, 401, 200]);
    expect(upstream.requests.map((request) => request.headers.authorization)).toContain(`Bearer ${upstreamSees}`);
    await eventually(() => app.logLines().filter((line) => line.res).length === answers.length + 1, 'every request is logged');
    const logs = app.logText();
    expect([CLIENT_KEY, WRONG_KEY, UPSTREAM_KEY, AZURE_KEY, 'Bearer'].filter((secret) => logs.includes(secret))).toEqual([]);
    // The client must not learn the adapter's own upstream key either.
    expect(answers.filter((answer) => answer.text.includes(UPSTREAM_KEY))).toEqual([]);
  });
});

describe('an upstream that quotes the key it was given', () => {
  it.each([
    { route: 'POST /v1/chat/completions', method: 'POST', path: '/v1/chat/completions', body: JSON.stringify(chat) },
    { route: 'GET /v1/models', method: 'GET', path: '/v1/models', body: undefined },
    { route: 'GET /v1/models/{model}', method: 'GET', path: '/v1/models/gpt-test', body: undefined },
  ])('$route: the adapter key reaches neither the client nor the logs', async ({ method, path, body }) => {
    const quoting = await startScriptedUpstream((exchange) => {
      exchange.response.writeHead(401, { 'content-type': 'application/json' });
      exchange.response.end(JSON.stringify(keyQuotingError(exchange.request.headers.authorization)));
    });
    app = await startAppUnderTest({ upstreamUrl: quoting.url, env: { ADAPTER_API_KEYS: CLIENT_KEY, UPSTREAM_API_KEY: UPSTREAM_KEY } });
    running.push(quoting, app);

    const answer = await rawRequest(app.port, { method, path, body, headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` } });
    await eventually(() => app.logLines().some((line) => line.res), 'the request is logged');

    expect(answer.status).toBe(401);
    expect(quoting.exchanges.map((exchange) => exchange.request.headers.authorization)).toEqual([`Bearer ${UPSTREAM_KEY}`]);
    expect({ toClient: answer.text.includes(UPSTREAM_KEY), toLogs: app.logText().includes(UPSTREAM_KEY) }).toEqual({ toClient: false, toLogs: false });
  });
});
