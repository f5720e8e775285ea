import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

let harness: Harness;
let client: OpenAI;
beforeEach(async () => {
  harness = await startHarness();
  client = new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-sdk-client', maxRetries: 0 });
});
afterEach(async () => {
  await harness.close();
});

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
};

describe('the official SDK, non-streaming', () => {
  it('creates a completion', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('Bonjour!')] }) });

    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Say hello in French.' }],
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Bonjour!', refusal: null, annotations: [] }, finish_reason: 'stop', logprobs: null },
    ]);
    expect(harness.fake.requests[0]!.headers.authorization).toBe('Bearer sk-sdk-client');
  });

  it('shows the dropped-parameter warnings in the response headers', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], seed: 1 })
      .withResponse();

    expect(response.headers.get('x-adapter-warnings')).toBe('seed');
  });

  it('runs a tools round trip with the assistant message sent back as received', async () => {
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ output: [functionCallItem('get_weather', '{"city":"Paris"}', 'call_weather_1')] }) },
      { kind: 'json', body: responseObject({ output: [messageItem('It is 21 °C in Paris.')] }) },
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

    const first = await client.chat.completions.create({ model: 'gpt-test', messages, tools: [weatherTool] });
    const call = first.choices[0]!.message.tool_calls?.[0];
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call).toEqual({ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });

    messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: '{"celsius":21}' });
    const second = await client.chat.completions.create({ model: 'gpt-test', messages, tools: [weatherTool] });

    expect(second.choices[0]!.message.content).toBe('It is 21 °C in Paris.');
    expect(harness.fake.requests[1]!.body.input).toEqual([
      { type: 'message', role: 'user', content: 'Weather in Paris?' },
      { type: 'function_call', call_id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_weather_1', output: '{"celsius":21}' },
    ]);
  });

  it('parses structured output declared with zodResponseFormat (zod 4)', async () => {
    const Weather = z.object({ city: z.string(), celsius: z.number() });
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('{"city":"Paris","celsius":21}')] }) });

    const completion = await client.chat.completions.parse({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather in Paris as JSON.' }],
      response_format: zodResponseFormat(Weather, 'weather'),
    });

    expect(completion.choices[0]!.message.parsed).toEqual({ city: 'Paris', celsius: 21 });
    expect(harness.fake.requests[0]!.body.text).toEqual({
      format: {
        type: 'json_schema',
        name: 'weather',
        strict: true,
        schema: {
          type: 'object',
          properties: { city: { type: 'string' }, celsius: { type: 'number' } },
          required: ['city', 'celsius'],
          additionalProperties: false,
          $schema: expect.any(String),
        },
      },
    });
  });

  it('answers legacy functions with message.function_call', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [functionCallItem('get_weather', '{"city":"Oslo"}')] }) });

    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      function_call: 'auto',
    });

    expect(completion.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: null, annotations: [], function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      finish_reason: 'function_call',
      logprobs: null,
    });
    expect(harness.fake.requests[0]!.body).toMatchObject({
      tools: [{ type: 'function', name: 'get_weather' }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
  });

  it('lists models', async () => {
    const page = await client.models.list();
    expect(page.data).toEqual([{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'system' }]);
  });
});

describe('errors through the official SDK', () => {
  const create = () => client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });

  it.each([
    {
      status: 400,
      errorClass: OpenAI.BadRequestError,
      error: { message: "Invalid 'input[0].content': string too long.", type: 'invalid_request_error', param: 'input[0].content', code: 'string_above_max_length' },
      // The upstream points into the Responses request; the client is told its own field.
      clientParam: 'messages[0]' as string | null,
      headers: {} as Record<string, string>,
    },
    {
      status: 429,
      errorClass: OpenAI.RateLimitError,
      error: { message: 'Rate limit reached for gpt-test on requests per min (RPM).', type: 'requests', param: null, code: 'rate_limit_exceeded' },
      clientParam: null,
      headers: { 'retry-after': '3' },
    },
  ])('surfaces an upstream $status as $errorClass.name', async ({ status, errorClass, error, clientParam, headers }) => {
    harness.fake.enqueue({ kind: 'json', status, headers, body: { error } });

    const thrown = await create().catch((caught: unknown) => caught);

    expect(thrown).toBeInstanceOf(errorClass);
    const apiError = thrown as InstanceType<typeof OpenAI.APIError>;
    expect({ status: apiError.status, message: apiError.message, error: apiError.error, code: apiError.code, param: apiError.param }).toEqual({
      status,
      message: `${status} ${error.message}`,
      error: { ...error, param: clientParam },
      code: error.code,
      param: clientParam,
    });
    for (const [name, value] of Object.entries(headers)) expect(apiError.headers?.get(name)).toBe(value);
    expect(harness.fake.requests).toHaveLength(1);
  });

  it('surfaces an adapter validation error as BadRequestError naming the param', async () => {
    const thrown = await client.chat.completions
      .create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], n: 9 })
      .catch((caught: unknown) => caught);

    expect(thrown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((thrown as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    expect(harness.fake.requests).toHaveLength(0);
  });

  it('surfaces a wrong adapter key as AuthenticationError', async () => {
    await harness.close();
    harness = await startHarness({ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_API_KEYS: 'sk-adapter' });
    client = new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-wrong', maxRetries: 0 });

    await expect(create()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(harness.fake.requests).toHaveLength(0);
  });
});
