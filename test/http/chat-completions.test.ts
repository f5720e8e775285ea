import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { chatUsage, responsesUsage } from '../helpers/usage-objects.js';
import { chatRequest, startHarness, type Harness } from './app-harness.js';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

const post = (body: unknown) => request(harness.app).post('/v1/chat/completions').send(body as object);

describe('the body sent upstream', () => {
  it('translates a realistic tool conversation with structured output', async () => {
    const response = await post({
      model: 'gpt-5.2',
      messages: [
        { role: 'system', content: 'You are a weather bot.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image_url', image_url: { url: 'https://example.com/sky.png', detail: 'low' } }] },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'report', schema: { type: 'object', properties: { summary: { type: 'string' } } } } },
      max_completion_tokens: 300,
      temperature: 0.2,
      reasoning_effort: 'low',
      verbosity: 'low',
      metadata: { team: 'weather' },
      safety_identifier: 'user-42',
      prompt_cache_key: 'weather-v1',
      service_tier: 'flex',
    });

    expect(response.status).toBe(200);
    expect(harness.fake.requests).toHaveLength(1);
    expect(harness.fake.requests[0]!.body).toMatchInlineSnapshot(`
      {
        "include": [
          "reasoning.encrypted_content",
        ],
        "input": [
          {
            "content": [
              {
                "text": "Weather in Paris?",
                "type": "input_text",
              },
              {
                "detail": "low",
                "image_url": "https://example.com/sky.png",
                "type": "input_image",
              },
            ],
            "role": "user",
            "type": "message",
          },
          {
            "content": "Checking.",
            "role": "assistant",
            "type": "message",
          },
          {
            "arguments": "{"city":"Paris"}",
            "call_id": "call_1",
            "name": "get_weather",
            "type": "function_call",
          },
          {
            "call_id": "call_1",
            "output": "{"celsius":21}",
            "type": "function_call_output",
          },
        ],
        "instructions": "You are a weather bot.",
        "max_output_tokens": 300,
        "metadata": {
          "team": "weather",
        },
        "model": "gpt-5.2",
        "parallel_tool_calls": false,
        "prompt_cache_key": "weather-v1",
        "reasoning": {
          "effort": "low",
        },
        "safety_identifier": "user-42",
        "service_tier": "flex",
        "store": false,
        "temperature": 0.2,
        "text": {
          "format": {
            "name": "report",
            "schema": {
              "properties": {
                "summary": {
                  "type": "string",
                },
              },
              "type": "object",
            },
            "strict": false,
            "type": "json_schema",
          },
          "verbosity": "low",
        },
        "tool_choice": {
          "name": "get_weather",
          "type": "function",
        },
        "tools": [
          {
            "description": "Current weather",
            "name": "get_weather",
            "parameters": {
              "properties": {
                "city": {
                  "type": "string",
                },
              },
              "required": [
                "city",
              ],
              "type": "object",
            },
            "strict": false,
            "type": "function",
          },
        ],
      }
    `);
  });

  it.each([
    ['absent', {}, false],
    ['false', { store: false }, false],
    ['null', { store: null }, false],
    ['true', { store: true }, true],
  ])('sends store %s from the client as store: %s', async (_label, extra, expected) => {
    await post(chatRequest(extra)).expect(200);
    expect(harness.fake.requests[0]!.body.store).toBe(expected);
  });

  it('raises max_tokens below 16 to 16 and says so', async () => {
    const response = await post(chatRequest({ max_tokens: 5 })).expect(200);
    expect(response.headers['x-adapter-warnings']).toBe('max_tokens');
    expect(harness.fake.requests[0]!.body.max_output_tokens).toBe(16);
  });

  it('asks for logprobs through include and returns them per token', async () => {
    const logprobs = [
      { token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }, { token: 'Hey', logprob: -2.5, bytes: [72, 101, 121] }] },
      { token: '!', logprob: -0.01, bytes: [33], top_logprobs: [{ token: '!', logprob: -0.01, bytes: [33] }, { token: '.', logprob: -4.6, bytes: [46] }] },
    ];
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('Hi!', { content: [{ type: 'output_text', annotations: [], logprobs, text: 'Hi!' }] })] }) });

    const response = await post(chatRequest({ logprobs: true, top_logprobs: 2 })).expect(200);

    expect(harness.fake.requests[0]!.body).toMatchObject({ include: ['message.output_text.logprobs'], top_logprobs: 2 });
    expect(harness.fake.requests[0]!.body).not.toHaveProperty('logprobs');
    expect(response.body.choices[0].logprobs).toEqual({ content: logprobs, refusal: null });
  });
});

describe('the chat.completion the client gets', () => {
  const weatherCall = functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris');
  const timeCall = functionCallItem('get_time', '{"zone":"CET"}', 'call_time');
  const refusalMessage = messageItem('', { content: [{ type: 'refusal', refusal: "I can't help with that." }] });

  it.each([
    {
      name: 'text',
      output: [messageItem('Hello there.')],
      message: { role: 'assistant', content: 'Hello there.', refusal: null, annotations: [] },
      finishReason: 'stop',
    },
    {
      name: 'text and a tool call in one choice',
      output: [messageItem('Let me check.'), weatherCall],
      message: {
        role: 'assistant',
        content: 'Let me check.',
        refusal: null,
        annotations: [],
        tool_calls: [{ id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      finishReason: 'tool_calls',
    },
    {
      name: 'parallel tool calls',
      output: [weatherCall, timeCall],
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: [
          { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
        ],
      },
      finishReason: 'tool_calls',
    },
    {
      name: 'a refusal',
      output: [refusalMessage],
      message: { role: 'assistant', content: null, refusal: "I can't help with that.", annotations: [] },
      finishReason: 'stop',
    },
  ])('$name', async ({ output, message, finishReason }) => {
    const upstream = responseObject({ output, model: 'gpt-5.2-2026-03-01', service_tier: 'flex', usage: responsesUsage(40, 12) });
    harness.fake.enqueue({ kind: 'json', body: upstream });

    const response = await post(chatRequest()).expect(200);

    expect(response.body).toEqual({
      id: `chatcmpl-${upstream.id.slice('resp_'.length)}`,
      object: 'chat.completion',
      created: upstream.created_at,
      model: 'gpt-5.2-2026-03-01',
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: chatUsage(40, 12),
      service_tier: 'flex',
    });
  });

  it('ends an incomplete answer with finish_reason length and keeps its usage', async () => {
    harness.fake.enqueue({
      kind: 'json',
      body: responseObject({
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [messageItem('The answer is', { status: 'incomplete' })],
        usage: responsesUsage(30, 16, { cached: 10, reasoning: 4 }),
      }),
    });

    const response = await post(chatRequest({ max_completion_tokens: 16 })).expect(200);

    expect(response.body.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'The answer is', refusal: null, annotations: [] }, finish_reason: 'length', logprobs: null },
    ]);
    expect(response.body.usage).toEqual(chatUsage(30, 16, { cached: 10, reasoning: 4 }));
  });

  it('ends a filtered answer with finish_reason content_filter', async () => {
    harness.fake.enqueue({
      kind: 'json',
      body: responseObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [messageItem('Partial', { status: 'incomplete' })] }),
    });

    const response = await post(chatRequest()).expect(200);

    expect(response.body.choices[0]).toMatchObject({ message: { content: 'Partial' }, finish_reason: 'content_filter' });
  });

  it('passes the upstream rate-limit headers on and keeps its own request id', async () => {
    harness.fake.enqueue({
      kind: 'json',
      headers: { 'x-ratelimit-remaining-tokens': '149000', 'x-request-id': 'req_upstream', 'set-cookie': 'session=upstream' },
      body: responseObject({ output: [messageItem('Hi.')] }),
    });

    const response = await post(chatRequest()).set('x-request-id', 'client-trace-1').expect(200);

    expect(response.headers['x-ratelimit-remaining-tokens']).toBe('149000');
    expect(response.headers['x-request-id']).toBe('client-trace-1');
    expect(response.headers).not.toHaveProperty('set-cookie');
  });

  it('returns json_schema output as the message content and flattens the format upstream', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('{"city":"Paris"}')] }) });

    const response = await post(
      chatRequest({ response_format: { type: 'json_schema', json_schema: { name: 'place', strict: true, schema } } }),
    ).expect(200);

    expect(harness.fake.requests[0]!.body.text).toEqual({ format: { type: 'json_schema', name: 'place', schema, strict: true } });
    expect(JSON.parse(response.body.choices[0].message.content)).toEqual({ city: 'Paris' });
  });

  it('cuts the content at the first stop sequence', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('one, two, three. END four')] }) });

    const response = await post(chatRequest({ stop: ['END', 'three'] })).expect(200);

    expect(response.body.choices[0]).toMatchObject({ message: { content: 'one, two, ' }, finish_reason: 'stop' });
    expect(harness.fake.requests[0]!.body).not.toHaveProperty('stop');
  });
});

describe('n > 1', () => {
  it('makes one upstream call per choice, indexes the choices and sums usage', async () => {
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ output: [messageItem('first')], usage: responsesUsage(10, 1) }) },
      { kind: 'json', body: responseObject({ output: [messageItem('second')], usage: responsesUsage(10, 2) }) },
      { kind: 'json', body: responseObject({ output: [messageItem('third')], usage: responsesUsage(10, 3) }) },
    );

    const response = await post(chatRequest({ n: 3 })).expect(200);

    expect(harness.fake.requests).toHaveLength(3);
    for (const upstreamRequest of harness.fake.requests) expect(upstreamRequest.body).not.toHaveProperty('n');
    expect(response.body.choices.map((choice: { index: number }) => choice.index)).toEqual([0, 1, 2]);
    // The calls run concurrently, so which reply lands in which choice is not fixed.
    expect(response.body.choices.map((choice: { message: { content: string } }) => choice.message.content).sort()).toEqual(['first', 'second', 'third']);
    expect(response.body.usage).toEqual(chatUsage(30, 6));
  });

  it('refuses n above MAX_CHOICES without calling the upstream', async () => {
    await harness.close();
    harness = await startHarness({ MAX_CHOICES: '2' });

    const response = await post(chatRequest({ n: 3 })).expect(400);

    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param: 'n' });
    expect(response.body.error.message).toContain('2');
    expect(harness.fake.requests).toHaveLength(0);
  });
});

describe('parameters the upstream lacks', () => {
  const named = { messages: [{ role: 'user', content: 'Hi', name: 'alice' }] };

  it.each([
    { param: 'seed', extra: { seed: 1 }, field: 'seed' },
    { param: 'presence_penalty', extra: { presence_penalty: 0.5 }, field: 'presence_penalty' },
    { param: 'frequency_penalty', extra: { frequency_penalty: -1 }, field: 'frequency_penalty' },
    { param: 'logit_bias', extra: { logit_bias: { '1234': -100 } }, field: 'logit_bias' },
    { param: 'messages[0].name', extra: named, field: 'name' },
  ])('drops $param with a warning header', async ({ param, extra, field }) => {
    const response = await post(chatRequest(extra)).expect(200);

    expect(response.headers['x-adapter-warnings']).toBe(param);
    const body = harness.fake.requests[0]!.body;
    expect(JSON.stringify(body)).not.toContain(`"${field}"`);
  });

  it('names every dropped parameter in one header', async () => {
    const response = await post(chatRequest({ ...named, seed: 1, presence_penalty: 0.5 })).expect(200);
    expect(response.headers['x-adapter-warnings']?.split(', ').sort()).toEqual(['messages[0].name', 'presence_penalty', 'seed']);
  });

  it.each([
    { extra: { presence_penalty: 0 } },
    { extra: { frequency_penalty: 0 } },
    { extra: { logit_bias: {} } },
    { extra: { seed: null } },
  ])('passes the no-op $extra silently', async ({ extra }) => {
    const response = await post(chatRequest(extra)).expect(200);
    expect(response.headers).not.toHaveProperty('x-adapter-warnings');
  });

  it.each([
    { param: 'seed', extra: { seed: 1 } },
    { param: 'presence_penalty', extra: { presence_penalty: 0.5 } },
    { param: 'messages[0].name', extra: named },
  ])('answers 400 for $param under STRICT_PARAMS without calling the upstream', async ({ param, extra }) => {
    await harness.close();
    harness = await startHarness({ STRICT_PARAMS: '1' });

    const response = await post(chatRequest(extra)).expect(400);

    expect(response.body.error).toMatchObject({ type: 'invalid_request_error', param, code: 'unsupported_parameter' });
    expect(harness.fake.requests).toHaveLength(0);
  });
});
