import { afterEach, describe, expect, it } from 'vitest';
import {
  messageItem,
  responseObject,
  startFakeUpstream,
  textStreamEvents,
  type FakeUpstream,
  type RecordedRequest,
  type Reply,
} from '../../tools/fake-upstream/index.js';
import { rawRequest, startAppUnderTest, type AppUnderTest, type RawAnswer } from './app-under-test.js';
import { eventually } from './scripted-upstream.js';

/**
 * An upstream that quotes the key it was given on every error path it has: HTTP errors, a failed
 * Response, an `error` event before output, `response.failed` after output, an error's `param`,
 * `code` and `type`, an HTML error page, and the same through the Responses passthrough (a split
 * SSE frame included). No key may reach the client or the log, in either auth mode.
 */

const CLIENT_KEY = 'sk-client-7d1e9a3c5b2f';
const UPSTREAM_KEY = 'sk-upstream-3c9e1f7a2b64';

let upstream: FakeUpstream;
let app: AppUnderTest;
afterEach(async () => {
  await app?.close();
  await upstream?.close();
});

const chat = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };
const keyOf = (request: RecordedRequest) => String(request.headers.authorization).replace(/^Bearer /, '');
/** An error object that quotes the key in each of its fields. */
const quotingError = (key: string) => ({
  message: `Key ${key} is not allowed for this model.`,
  type: `invalid_request_error:${key}`,
  param: `key=${key}`,
  code: `invalid_key_${key}`,
});
const failedResponse = (key: string) => responseObject({ status: 'failed', output: [], error: quotingError(key), usage: null });
const events = textStreamEvents(responseObject({ output: [messageItem('Hello world')] }), ['Hello', ' world']);
const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');

/** Each path: the reply the upstream gives (built from the key it saw) and the request that triggers it. */
const paths: Array<{ path: string; reply: (request: RecordedRequest) => Reply; send: { method: string; path: string; body?: unknown } }> = [
  {
    path: 'HTTP error (JSON)',
    reply: (request) => ({ kind: 'json', status: 403, body: { error: quotingError(keyOf(request)) } }),
    send: { method: 'POST', path: '/v1/chat/completions', body: chat },
  },
  {
    path: 'HTTP error (HTML page)',
    reply: (request) => ({ kind: 'raw', status: 502, body: `<html><body><h1>Bad gateway</h1><p>token ${keyOf(request)}</p></body></html>`, contentType: 'text/html' }),
    send: { method: 'POST', path: '/v1/chat/completions', body: chat },
  },
  {
    path: 'failed Response (JSON)',
    reply: (request) => ({ kind: 'json', body: failedResponse(keyOf(request)) }),
    send: { method: 'POST', path: '/v1/chat/completions', body: chat },
  },
  {
    path: 'error event before output',
    reply: (request) => ({ kind: 'stream', events: [events[0]!, { type: 'error', error: quotingError(keyOf(request)) }], endWithoutTerminal: true }),
    send: { method: 'POST', path: '/v1/chat/completions', body: { ...chat, stream: true } },
  },
  {
    path: 'flat error event before output',
    reply: (request) => ({ kind: 'stream', events: [events[0]!, { ...quotingError(keyOf(request)), type: 'error' }], endWithoutTerminal: true }),
    send: { method: 'POST', path: '/v1/chat/completions', body: { ...chat, stream: true } },
  },
  {
    path: 'response.failed after output',
    reply: (request) => ({
      kind: 'stream',
      events: [...events.slice(0, firstDelta + 1), { type: 'response.failed', response: failedResponse(keyOf(request)) }],
    }),
    send: { method: 'POST', path: '/v1/chat/completions', body: { ...chat, stream: true } },
  },
  {
    path: 'passthrough: failed Response retrieved',
    reply: (request) => ({ kind: 'json', body: failedResponse(keyOf(request)) }),
    send: { method: 'GET', path: '/v1/responses/resp_123' },
  },
  {
    path: 'passthrough: HTTP error',
    reply: (request) => ({ kind: 'json', status: 401, body: { error: quotingError(keyOf(request)) } }),
    send: { method: 'POST', path: '/v1/responses', body: { model: 'gpt-test', input: 'Hi' } },
  },
  {
    path: 'passthrough: response.failed in a stream cut every 5 bytes',
    reply: (request) => ({
      kind: 'sse-text',
      chunkSize: 5,
      text: `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: 0, response: failedResponse(keyOf(request)) })}\n\n`,
    }),
    send: { method: 'POST', path: '/v1/responses', body: { model: 'gpt-test', input: 'Hi', stream: true } },
  },
];

describe.each<{ mode: string; env: Record<string, string>; upstreamSees: string }>([
  { mode: 'adapter keys and an upstream key', env: { ADAPTER_API_KEYS: CLIENT_KEY, UPSTREAM_API_KEY: UPSTREAM_KEY }, upstreamSees: UPSTREAM_KEY },
  { mode: 'open, forwarding the client key', env: {}, upstreamSees: CLIENT_KEY },
])('an upstream quoting the key, $mode', ({ env, upstreamSees }) => {
  it.each(paths)('$path: the key reaches neither the client nor the log', async ({ reply, send }) => {
    upstream = await startFakeUpstream({ validate: false });
    app = await startAppUnderTest({ upstreamUrl: upstream.url, env });
    upstream.enqueue(reply);

    const answer: RawAnswer = await rawRequest(app.port, {
      method: send.method,
      path: send.path,
      body: send.body === undefined ? undefined : JSON.stringify(send.body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    });
    await eventually(() => app.logLines().some((line) => line.res), 'the request is logged');

    expect(upstream.requests.map((request) => keyOf(request))).toEqual([upstreamSees]);
    const leaks = { toClient: [CLIENT_KEY, UPSTREAM_KEY].filter((key) => answer.text.includes(key)), toLog: [CLIENT_KEY, UPSTREAM_KEY].filter((key) => app.logText().includes(key)) };
    expect(leaks).toEqual({ toClient: [], toLog: [] });
    // The upstream's words are kept around the key: redacted, not replaced by a generic message.
    expect(answer.text).toContain('[redacted]');
  });
});
