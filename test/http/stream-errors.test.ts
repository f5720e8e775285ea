import { describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import {
  contentOf,
  dataFrames,
  finishReasonsOf,
  postChat,
  streamChunks,
  streamRequest,
  useStreamHarness,
} from './stream-harness.js';

const harness = useStreamHarness({ env: { STREAM_IDLE_TIMEOUT_MS: '200' } });

const quotaMessage = 'You exceeded your current quota, please check your plan and billing details.';

/** created, in_progress, message added, part added: everything before the first text delta. */
function preamble(): Array<Record<string, unknown>> {
  const response = responseObject({ output: [messageItem('Partial answer')] });
  return textStreamEvents(response, ['Partial ', 'answer']).slice(0, 4);
}

/** The preamble plus two text deltas: the client has seen output. */
function preambleWithText(): Array<Record<string, unknown>> {
  const response = responseObject({ output: [messageItem('Partial answer')] });
  return textStreamEvents(response, ['Partial ', 'answer']).slice(0, 6);
}

function failedEvent(code: string, message: string): Record<string, unknown> {
  return { type: 'response.failed', response: responseObject({ status: 'failed', error: { code, message }, output: [] }) };
}

const nestedQuotaError = {
  type: 'error',
  error: { type: 'insufficient_quota', code: 'insufficient_quota', message: quotaMessage, param: null },
};
const flatQuotaError = { type: 'error', code: 'insufficient_quota', message: quotaMessage, param: null };

async function sseFrames(reply: Response): Promise<string[]> {
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return dataFrames(await reply.text());
}

describe('upstream errors before the stream starts', () => {
  it.each([
    // `input` is the Responses name; the client is told `messages`.
    { status: 400, type: 'invalid_request_error', code: 'invalid_value', param: 'input', message: "Invalid value: 'x'.", clientParam: 'messages' },
    { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', param: null, message: 'Incorrect API key provided.', clientParam: null },
    { status: 429, type: 'requests', code: 'rate_limit_exceeded', param: null, message: 'Rate limit reached for requests.', clientParam: null },
    { status: 500, type: 'server_error', code: null, param: null, message: 'The server had an error while processing your request.', clientParam: null },
    { status: 503, type: 'server_error', code: null, param: null, message: 'The engine is currently overloaded.', clientParam: null },
  ])('answers HTTP $status with the upstream error as JSON, not SSE', async ({ status, clientParam, ...error }) => {
    harness().fake.enqueue({ kind: 'json', status, body: { error } });

    const reply = await postChat(harness(), streamRequest());

    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await reply.json()).toEqual({ error: { ...error, param: clientParam } });
  });
});

describe('in-band upstream failures', () => {
  it.each([
    { shape: 'nested', errorEvent: nestedQuotaError },
    { shape: 'flat', errorEvent: flatQuotaError },
  ])('answers a $shape error event + response.failed before any output with HTTP 429 and the upstream message', async ({ errorEvent }) => {
    harness().fake.enqueue({
      kind: 'stream',
      events: [...preamble(), errorEvent, failedEvent('insufficient_quota', quotaMessage)],
    });

    const reply = await postChat(harness(), streamRequest());

    expect(reply.status).toBe(429);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await reply.json()).toEqual({
      error: { message: quotaMessage, type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    });
  });

  it('answers response.failed alone before any output with its status and message', async () => {
    harness().fake.enqueue({ kind: 'stream', events: [...preamble(), failedEvent('server_error', 'The model failed.')] });

    const reply = await postChat(harness(), streamRequest());

    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ error: { message: 'The model failed.', type: 'server_error', param: null, code: 'server_error' } });
  });

  it('after text output sends the text, then one error frame with the upstream message, no finish and no [DONE]', async () => {
    harness().fake.enqueue({
      kind: 'stream',
      events: [...preambleWithText(), nestedQuotaError, failedEvent('insufficient_quota', quotaMessage)],
    });

    const frames = await sseFrames(await postChat(harness(), streamRequest({ stream_options: { include_usage: true } })));
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));

    expect(contentOf(chunks)).toBe('Partial answer');
    expect(finishReasonsOf(chunks)).toEqual([]);
    expect(chunks.filter((chunk) => chunk.usage)).toEqual([]);
    expect(JSON.parse(frames.at(-1)!)).toEqual({
      error: { message: quotaMessage, type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    });
  });
});

describe('broken upstream streams', () => {
  const garbage = 'data: {"type":"response.output_text.delta","delta":\n\n';
  const sseText = (events: Array<Record<string, unknown>>) =>
    events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`).join('');

  it.each([
    { name: 'the upstream closes without a terminal event', reply: { kind: 'stream' as const, events: preamble(), endWithoutTerminal: true }, status: 502, code: 'upstream_stream_truncated' },
    { name: 'a data line is not JSON', reply: { kind: 'sse-text' as const, text: sseText(preamble()) + garbage }, status: 502, code: 'upstream_protocol_error' },
    { name: 'the upstream goes idle', reply: { kind: 'stream' as const, events: preamble(), holdAfter: 4 }, status: 504, code: 'upstream_idle_timeout' },
  ])('before any output: HTTP $status JSON when $name', async ({ reply, status, code }) => {
    harness().fake.enqueue(reply);

    const answer = await postChat(harness(), streamRequest());

    expect(answer.status).toBe(status);
    expect(await answer.json()).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code },
    });
  });

  it.each([
    { name: 'the upstream closes without a terminal event', reply: { kind: 'stream' as const, events: preambleWithText(), endWithoutTerminal: true }, code: 'upstream_stream_truncated' },
    { name: 'a data line is not JSON', reply: { kind: 'sse-text' as const, text: sseText(preambleWithText()) + garbage }, code: 'upstream_protocol_error' },
    { name: 'the upstream goes idle', reply: { kind: 'stream' as const, events: preambleWithText(), holdAfter: 6 }, code: 'upstream_idle_timeout' },
  ])('after output: the text, then an error frame and never [DONE], when $name', async ({ reply, code }) => {
    harness().fake.enqueue(reply);

    const frames = await sseFrames(await postChat(harness(), streamRequest()));
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));

    expect(contentOf(chunks)).toBe('Partial answer');
    expect(finishReasonsOf(chunks)).toEqual([]);
    expect(frames).not.toContain('[DONE]');
    expect(JSON.parse(frames.at(-1)!)).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code } });
  });

  it('skips a malformed upstream item and still delivers the rest of the answer', async () => {
    const malformed = { type: 'response.output_item.done', output_index: 0, item: { type: 'message', id: 'msg_bad', content: 'not a list' } };
    const response = responseObject({ output: [messageItem('Partial answer')] });
    const events = textStreamEvents(response, ['Partial ', 'answer']);
    harness().fake.enqueue({ kind: 'stream', events: [...events.slice(0, 4), malformed, ...events.slice(4)] });

    const reply = await postChat(harness(), streamRequest());
    const chunks = streamChunks(await reply.text());

    expect(reply.status).toBe(200);
    expect(contentOf(chunks)).toBe('Partial answer');
    expect(finishReasonsOf(chunks)).toEqual(['stop']);
  });

  it('ends the idle upstream call instead of leaving it open', async () => {
    harness().fake.enqueue({ kind: 'stream', events: preambleWithText(), holdAfter: 6 });

    await (await postChat(harness(), streamRequest())).text();

    await harness().fake.waitForAbort();
  });
});
