import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  functionCallItem,
  functionCallStreamEvents,
  messageItem,
  responseObject,
  startFakeUpstream,
  textStreamEvents,
} from '../../tools/fake-upstream/index.js';
import type { FakeUpstream } from '../../tools/fake-upstream/index.js';

interface ServerSentEvent {
  event: string | undefined;
  data: string;
}

function parseServerSentEvents(text: string): ServerSentEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const eventLine = lines.find((line) => line.startsWith('event: '));
      const dataLines = lines.filter((line) => line.startsWith('data: '));
      return { event: eventLine?.slice('event: '.length), data: dataLines.map((line) => line.slice('data: '.length)).join('\n') };
    });
}

let fake: FakeUpstream;

beforeEach(async () => {
  fake = await startFakeUpstream();
});

afterEach(async () => {
  await fake.close();
});

function postResponses(body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const { value, done: streamEnded } = await reader.read();
    if (streamEnded) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe('validation of POST /v1/responses', () => {
  const user = { role: 'user', content: 'hi' };

  it.each([
    {
      name: 'Chat messages',
      body: { model: 'gpt-test', messages: [user] },
      error: { message: "Unknown parameter: 'messages'.", param: 'messages', code: 'unknown_parameter' },
    },
    {
      name: 'Chat max_tokens',
      body: { model: 'gpt-test', input: 'hi', max_tokens: 100 },
      error: { message: "Unknown parameter: 'max_tokens'.", param: 'max_tokens', code: 'unknown_parameter' },
    },
    {
      name: 'Chat response_format',
      body: { model: 'gpt-test', input: 'hi', response_format: { type: 'json_object' } },
      error: { message: "Unknown parameter: 'response_format'.", param: 'response_format', code: 'unknown_parameter' },
    },
    {
      name: 'missing model',
      body: { input: 'hi' },
      error: { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' },
    },
    {
      name: 'max_output_tokens below 16',
      body: { model: 'gpt-test', input: 'hi', max_output_tokens: 5 },
      error: {
        message:
          "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.",
        param: 'max_output_tokens',
        code: 'integer_below_min_value',
      },
    },
    {
      name: 'temperature below 0',
      body: { model: 'gpt-test', input: 'hi', temperature: -1 },
      error: {
        message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
        param: 'temperature',
        code: 'decimal_below_min_value',
      },
    },
    {
      name: 'temperature above 2',
      body: { model: 'gpt-test', input: 'hi', temperature: 2.5 },
      error: {
        message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
        param: 'temperature',
        code: 'decimal_above_max_value',
      },
    },
    {
      name: 'Chat-shaped function tool',
      body: {
        model: 'gpt-test',
        input: 'hi',
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      },
      error: { message: "Missing required parameter: 'tools[0].name'.", param: 'tools[0].name', code: 'missing_required_parameter' },
    },
    {
      name: 'Chat-shaped tool_choice',
      body: {
        model: 'gpt-test',
        input: 'hi',
        tools: [{ type: 'function', name: 'get_weather', parameters: null, strict: false }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      },
      error: { message: "Unknown parameter: 'tool_choice.function'.", param: 'tool_choice.function', code: 'unknown_parameter' },
    },
    {
      name: 'json_schema format with the Chat wrapper',
      body: {
        model: 'gpt-test',
        input: 'hi',
        text: { format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } } },
      },
      error: {
        message: "Unknown parameter: 'text.format.json_schema'.",
        param: 'text.format.json_schema',
        code: 'unknown_parameter',
      },
    },
    {
      name: 'tool role message',
      body: { model: 'gpt-test', input: [user, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }] },
      error: {
        message: "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
        param: 'input[1].role',
        code: 'invalid_value',
      },
    },
    {
      name: 'assistant message with tool_calls',
      body: {
        model: 'gpt-test',
        input: [
          user,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      },
      error: { message: "Unknown parameter: 'input[1].tool_calls'.", param: 'input[1].tool_calls', code: 'unknown_parameter' },
    },
    {
      name: 'Chat text content part',
      body: { model: 'gpt-test', input: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      error: { param: 'input[0].content[0].type', code: 'invalid_value' },
    },
    {
      name: 'Chat image_url content part',
      body: {
        model: 'gpt-test',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      },
      error: { param: 'input[0].content[1].type', code: 'invalid_value' },
    },
    {
      name: 'function_call_output without its function_call',
      body: { model: 'gpt-test', input: [user, { type: 'function_call_output', call_id: 'call_missing', output: 'sunny' }] },
      error: { message: 'No tool call found for function call output with call_id call_missing.', param: 'input', code: null },
    },
    {
      name: 'replayed reasoning item with status',
      body: {
        model: 'gpt-test',
        input: [{ type: 'reasoning', id: 'rs_1', summary: [], status: 'completed' }, user],
      },
      error: { message: "Unknown parameter: 'input[0].status'.", param: 'input[0].status', code: 'unknown_parameter' },
    },
  ])('rejects $name with the real 400 error body', async ({ body, error }) => {
    const response = await postResponses(body);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ type: 'invalid_request_error', ...error });
    expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('explains which content part types are supported', async () => {
    const response = await postResponses({ model: 'gpt-test', input: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });

    const json = (await response.json()) as { error: { message: string } };
    expect(json.error.message).toBe(
      "Invalid value: 'text'. Supported values are: 'input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', and 'summary_text'.",
    );
  });

  it('accepts a Responses-shaped request with tools, a flattened schema and paired tool items', async () => {
    const response = await postResponses({
      model: 'gpt-test',
      instructions: 'Be brief.',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'auto' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }],
      tool_choice: { type: 'function', name: 'get_weather' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      max_output_tokens: 16,
      temperature: 0,
      store: false,
    });

    expect(response.status).toBe(200);
  });

  it('accepts a function_call_output that answers a call of the previous response', async () => {
    const response = await postResponses({
      model: 'gpt-test',
      previous_response_id: 'resp_earlier',
      input: [{ type: 'function_call_output', call_id: 'call_from_earlier', output: 'sunny' }],
    });

    expect(response.status).toBe(200);
  });

  it('rejects invalid JSON with the real parse error', async () => {
    const response = await postResponses('{"model": ');

    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(json.error.message).toMatch(/^We could not parse the JSON body of your request\./);
  });

  it('does not use up a queued reply when the request is rejected', async () => {
    fake.enqueue({ kind: 'json', body: { queued: true } });

    expect((await postResponses({ model: 'gpt-test', messages: [] })).status).toBe(400);
    expect(await (await postResponses({ model: 'gpt-test', input: 'hi' })).json()).toEqual({ queued: true });
  });

  it('lets anything through when validation is off', async () => {
    const lenient = await startFakeUpstream({ validate: false });
    try {
      const response = await fetch(`${lenient.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
      });
      expect(response.status).toBe(200);
    } finally {
      await lenient.close();
    }
  });
});

describe('replies', () => {
  it('answers with a completed response echoing the model by default', async () => {
    const response = await postResponses({ model: 'gpt-echo', input: 'hi', temperature: 0.5, store: false });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await response.json()) as Record<string, any>;
    expect(body).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-echo',
      temperature: 0.5,
      error: null,
      incomplete_details: null,
      output: [
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello from the fake upstream.' }] },
      ],
    });
    expect(body.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect(body.output[0].id).toMatch(/^msg_[0-9a-f]{50}$/);
  });

  it('streams the default reply when the request asks for a stream', async () => {
    const response = await postResponses({ model: 'gpt-echo', input: 'hi', stream: true });

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseServerSentEvents(await response.text()).map((event) => JSON.parse(event.data));
    const text = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
    expect(text).toBe('Hello from the fake upstream.');
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { model: 'gpt-echo' } });
  });

  it('sends queued JSON replies in order, with status and headers', async () => {
    const quota = { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };
    fake.enqueue({ kind: 'json', status: 429, body: quota, headers: { 'retry-after': '1' } }, { kind: 'json', body: { second: true } });

    const first = await postResponses({ model: 'gpt-test', input: 'hi' });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(await first.json()).toEqual(quota);
    expect(await (await postResponses({ model: 'gpt-test', input: 'hi' })).json()).toEqual({ second: true });
  });

  it('uses setDefault once the queue is empty', async () => {
    fake.setDefault({ kind: 'json', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } });

    expect((await postResponses({ model: 'gpt-test', input: 'hi' })).status).toBe(500);
    expect((await postResponses({ model: 'gpt-test', input: 'hi' })).status).toBe(500);
  });

  it('sends raw bodies such as an HTML gateway page', async () => {
    fake.enqueue({ kind: 'raw', status: 502, body: '<html><body>502 Bad Gateway</body></html>' });

    const response = await postResponses({ model: 'gpt-test', input: 'hi' });

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('<html><body>502 Bad Gateway</body></html>');
  });

  it('passes the recorded request to function replies', async () => {
    fake.enqueue((request) => ({ kind: 'json', body: { sawModel: request.body.model } }));

    expect(await (await postResponses({ model: 'gpt-dynamic', input: 'hi' })).json()).toEqual({ sawModel: 'gpt-dynamic' });
  });

  it('destroys the socket without a response', async () => {
    fake.enqueue({ kind: 'destroy' });

    await expect(postResponses({ model: 'gpt-test', input: 'hi' })).rejects.toThrow();
    expect(fake.abortedRequests).toBe(0);
  });
});

describe('stream replies', () => {
  it('writes events with event lines, sequence numbers 0..n-1 and no [DONE]', async () => {
    const final = responseObject({ output: [messageItem('Hello there')] });
    fake.enqueue({ kind: 'stream', events: textStreamEvents(final, ['Hel', 'lo', ' there']) });

    const response = await postResponses({ model: 'gpt-test', input: 'hi', stream: true });
    const text = await response.text();
    const events = parseServerSentEvents(text);
    const payloads = events.map((event) => JSON.parse(event.data) as Record<string, any>);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(text).not.toContain('[DONE]');
    expect(text.endsWith('\n\n')).toBe(true);
    expect(payloads.map((payload) => payload.sequence_number)).toEqual(payloads.map((_, index) => index));
    for (const [index, event] of events.entries()) expect(event.event).toBe(payloads[index]?.type);
    expect(Object.keys(payloads[0] ?? {}).slice(0, 2)).toEqual(['type', 'sequence_number']);
    expect(payloads.map((payload) => payload.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(payloads.at(-1)?.response).toEqual(final);
  });

  it('can leave out sequence numbers and event lines, and use CRLF', async () => {
    fake.enqueue({
      kind: 'stream',
      events: [{ type: 'response.created', response: responseObject({ status: 'in_progress' }) }],
      noSequenceNumbers: true,
      noEventLines: true,
      crlf: true,
    });

    const text = await (await postResponses({ model: 'gpt-test', input: 'hi', stream: true })).text();

    expect(text).toMatch(/^data: \{.*\}\r\n\r\n$/);
    expect(JSON.parse(text.slice('data: '.length))).not.toHaveProperty('sequence_number');
  });

  it('delivers events before the stream ends (holdAfter keeps it open)', async () => {
    fake.enqueue({ kind: 'stream', events: textStreamEvents(responseObject({}), ['a', 'b']), holdAfter: 2 });

    const response = await postResponses({ model: 'gpt-test', input: 'hi', stream: true });
    const reader = response.body!.getReader();
    const text = await readUntil(reader, (received) => parseServerSentEvents(received).length >= 2);

    expect(parseServerSentEvents(text).map((event) => event.event)).toEqual(['response.created', 'response.in_progress']);
    expect(fake.abortedRequests).toBe(0);
    await reader.cancel();
  });

  it('pauses delayMs between events', async () => {
    fake.enqueue({ kind: 'stream', events: [{ type: 'a' }, { type: 'b' }, { type: 'c' }], delayMs: 60 });
    const startedAt = performance.now();

    const text = await (await postResponses({ model: 'gpt-test', input: 'hi', stream: true })).text();

    expect(parseServerSentEvents(text)).toHaveLength(3);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(100);
  });

  it('counts a client that goes away mid-stream as an abort', async () => {
    fake.enqueue({ kind: 'stream', events: textStreamEvents(responseObject({}), ['a', 'b']), holdAfter: 1 });
    const controller = new AbortController();

    const response = await postResponses({ model: 'gpt-test', input: 'hi', stream: true }, { signal: controller.signal });
    await readUntil(response.body!.getReader(), (received) => received.includes('\n\n'));
    expect(fake.openConnections()).toBe(1);
    controller.abort();

    await fake.waitForAbort();
    expect(fake.abortedRequests).toBe(1);
  });

  it('counts a client that gives up on a delayed JSON reply as an abort', async () => {
    fake.enqueue({ kind: 'json', body: {}, delayMs: 2_000 });

    await expect(postResponses({ model: 'gpt-test', input: 'hi' }, { signal: AbortSignal.timeout(50) })).rejects.toThrow();

    await fake.waitForAbort();
    expect(fake.abortedRequests).toBe(1);
  });

  it('waitForAbort rejects when no abort happens', async () => {
    await expect(fake.waitForAbort(50)).rejects.toThrow(/No client abort/);
  });

  it('writes raw SSE text in byte chunks, even inside a multi-byte character', async () => {
    const text = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"héllo ✓"}\n\n';
    fake.enqueue({ kind: 'sse-text', text, chunkSize: 3, delayMs: 1 });

    const response = await postResponses({ model: 'gpt-test', input: 'hi', stream: true });

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe(text);
  });

  it('close() does not hang on a stream that is still open', async () => {
    fake.enqueue({ kind: 'stream', events: [], holdAfter: 0 });
    const response = await postResponses({ model: 'gpt-test', input: 'hi', stream: true });
    expect(response.status).toBe(200);

    await fake.close();

    expect(fake.openConnections()).toBe(0);
    expect(fake.abortedRequests).toBe(0);
  });
});

describe('other endpoints and recording', () => {
  it('records every request with lower-cased headers, path with query, and body', async () => {
    await postResponses({ model: 'gpt-test', input: 'hi' }, { headers: { 'content-type': 'application/json', 'X-Custom-Header': 'yes' } });
    await fetch(`${fake.url}/responses/resp_1?stream=false`);

    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/responses',
      body: { model: 'gpt-test', input: 'hi' },
      rawBody: '{"model":"gpt-test","input":"hi"}',
    });
    expect(fake.requests[0]?.headers['x-custom-header']).toBe('yes');
    expect(fake.requests[1]).toMatchObject({ method: 'GET', path: '/v1/responses/resp_1?stream=false', body: undefined, rawBody: '' });
  });

  it('lists models', async () => {
    const response = await fetch(`${fake.url}/models`);

    expect(await response.json()).toEqual({
      object: 'list',
      data: [{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'system' }],
    });
  });

  it('answers retrieve, cancel and delete with 404 unless a reply is queued', async () => {
    const notFound = {
      error: { message: "Response with id 'resp_gone' not found.", type: 'invalid_request_error', param: null, code: null },
    };
    for (const [method, path] of [
      ['GET', '/responses/resp_gone'],
      ['POST', '/responses/resp_gone/cancel'],
      ['DELETE', '/responses/resp_gone'],
    ] as const) {
      const response = await fetch(`${fake.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(notFound);
    }

    fake.enqueue({ kind: 'json', body: { id: 'resp_1', object: 'response.deleted', deleted: true } });
    const deleted = await fetch(`${fake.url}/responses/resp_1`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: 'resp_1', object: 'response.deleted', deleted: true });
  });

  it('answers unknown paths with an OpenAI-shaped 404', async () => {
    const response = await fetch(`${fake.url}/chat/completions`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { message: 'Invalid URL (POST /v1/chat/completions)', type: 'invalid_request_error', param: null, code: null },
    });
  });
});

describe('builders', () => {
  it('responseObject has the wire fields of a completed response', () => {
    const response = responseObject({ output: [messageItem('hi')] });

    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'gpt-test-2026-01-01',
      service_tier: 'default',
      store: false,
      text: { format: { type: 'text' } },
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      temperature: 1,
      top_p: 1,
      metadata: {},
      usage: {
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(response.usage.total_tokens).toBe(response.usage.input_tokens + response.usage.output_tokens);
    expect(response.completed_at).toBe(response.created_at);
  });

  it('functionCallItem uses fc_ item ids and call_ call ids', () => {
    expect(functionCallItem('f', '{}')).toMatchObject({ id: expect.stringMatching(/^fc_/), call_id: expect.stringMatching(/^call_/) });
    expect(functionCallItem('f', '{}', 'call_fixed').call_id).toBe('call_fixed');
  });

  it('textStreamEvents refuses deltas that do not match the final text', () => {
    expect(() => textStreamEvents(responseObject({ output: [messageItem('Hello')] }), ['Bye'])).toThrow(/deltas join/);
  });

  it('textStreamEvents starts from an empty in-progress snapshot and carries obfuscation on deltas', () => {
    const events = textStreamEvents(responseObject({ output: [messageItem('ab')] }), ['a', 'b']);

    expect(events[0]).toMatchObject({
      type: 'response.created',
      response: { status: 'in_progress', output: [], usage: null, service_tier: 'auto', completed_at: null },
    });
    expect(events[2]).toMatchObject({ type: 'response.output_item.added', item: { type: 'message', status: 'in_progress', content: [] } });
    expect(events[4]).toMatchObject({ delta: 'a', logprobs: [], obfuscation: expect.any(String), output_index: 0, content_index: 0 });
  });

  it('functionCallStreamEvents streams argument fragments and omits name from arguments.done', () => {
    const events = functionCallStreamEvents(responseObject({}), [
      { name: 'get_weather', args: ['{"city":', '"Paris"}'], callId: 'call_paris' },
      { name: 'get_time', args: ['{}'] },
    ]);
    const types = events.map((event) => event.type);

    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({ output_index: 0, item: { type: 'function_call', name: 'get_weather', call_id: 'call_paris', arguments: '' } });
    expect(events[5]).toEqual({
      type: 'response.function_call_arguments.done',
      item_id: (events[2] as any).item.id,
      output_index: 0,
      arguments: '{"city":"Paris"}',
    });
    expect((events.at(-1) as any).response.output.map((item: any) => [item.name, item.arguments])).toEqual([
      ['get_weather', '{"city":"Paris"}'],
      ['get_time', '{}'],
    ]);
  });

  it('ends with response.incomplete when the final status is incomplete', () => {
    const final = responseObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [messageItem('Trunc', { status: 'incomplete' })],
    });

    expect(textStreamEvents(final, ['Trunc']).at(-1)).toMatchObject({ type: 'response.incomplete', response: { completed_at: null } });
  });
});

describe('the official openai SDK against the fake', () => {
  function client(): OpenAI {
    return new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
  }

  it('creates a response and gets the queued one', async () => {
    const queued = responseObject({ output: [messageItem('Queued answer')] });
    fake.enqueue({ kind: 'json', body: queued });

    const response = await client().responses.create({ model: 'gpt-test', input: 'hi' });

    expect(response.id).toBe(queued.id);
    expect(response.output_text).toBe('Queued answer');
    expect(fake.requests[0]?.body).toEqual({ model: 'gpt-test', input: 'hi' });
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams the queued events', async () => {
    const final = responseObject({ output: [messageItem('Streamed answer')] });
    fake.enqueue({ kind: 'stream', events: textStreamEvents(final, ['Streamed', ' answer']) });

    const stream = await client().responses.create({ model: 'gpt-test', input: 'hi', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);

    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    expect(deltas).toEqual(['Streamed', ' answer']);
    const last = events.at(-1);
    expect(last?.type === 'response.completed' && last.response.id).toBe(final.id);
  });

  it('streams function call events', async () => {
    fake.enqueue({
      kind: 'stream',
      events: functionCallStreamEvents(responseObject({}), [{ name: 'get_weather', args: ['{"city":', '"Paris"}'] }]),
    });

    const stream = await client().responses.create({
      model: 'gpt-test',
      input: 'weather?',
      stream: true,
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: false }],
    });
    const argumentFragments: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentFragments.push(event.delta);
    }

    expect(argumentFragments.join('')).toBe('{"city":"Paris"}');
  });

  it('surfaces validation errors as BadRequestError with param and code', async () => {
    const error = await client()
      .responses.create({ model: 'gpt-test', input: 'hi', max_output_tokens: 5 })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'max_output_tokens', code: 'integer_below_min_value' });
  });
});
