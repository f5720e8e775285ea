import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import type { LanguageModel } from 'ai';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { useClientHarness } from './client-harness.js';
import { billedAnswer, billedStream, osloStreamedRoundTrip, parisRoundTrip, quotaErrorMidStream, rateLimited } from './upstream-replies.js';

const harness = useClientHarness();
let chatModel: (modelId: string) => LanguageModel;
let model: LanguageModel;

beforeEach(() => {
  // `.chat()` is the Chat Completions model; the default export speaks the Responses API.
  chatModel = (modelId) => createOpenAI({ baseURL: harness().baseUrl, apiKey: 'sk-vercel-user' }).chat(modelId);
  model = chatModel('gpt-5-mini');
});

// The same numbers in the AI SDK's vocabulary, worked out by hand from upstreamUsage (upstream-replies.ts).
const reportedUsage = {
  inputTokens: 37,
  inputTokenDetails: { noCacheTokens: 32, cacheReadTokens: 5, cacheWriteTokens: undefined },
  outputTokens: 12,
  outputTokenDetails: { textTokens: 9, reasoningTokens: 3 },
  totalTokens: 49,
};

const weatherInputSchema = z.object({ city: z.string() });

function weatherTool() {
  return tool({
    description: 'Current weather in a city',
    inputSchema: weatherInputSchema,
    execute: async ({ city }) => ({ city, celsius: 21 }),
  });
}

describe('Vercel AI SDK chat model through the adapter', () => {
  it('generateText returns the upstream text and usage', async () => {
    harness().fake.enqueue(billedAnswer('Bonjour !'));

    const result = await generateText({
      model,
      system: 'Answer in French.',
      prompt: 'Say hello.',
      maxOutputTokens: 300,
      maxRetries: 0,
    });

    expect(result.text).toBe('Bonjour !');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject(reportedUsage);
    expect(harness().upstreamBody(0)).toMatchObject({
      model: 'gpt-5-mini',
      instructions: 'Answer in French.',
      input: [{ type: 'message', role: 'user', content: 'Say hello.' }],
      max_output_tokens: 300,
      store: false,
    });
    expect(harness().fake.requests[0]!.headers.authorization).toBe('Bearer sk-vercel-user');
  });

  it('streamText yields the upstream deltas one by one, then usage and finish reason', async () => {
    const deltas = ['Once', ' upon', ' a time', '.'];
    harness().fake.enqueue(billedStream(deltas));

    const result = streamText({ model, prompt: 'Tell a story.', maxRetries: 0 });
    const received: string[] = [];
    for await (const text of result.textStream) received.push(text);

    expect(received).toEqual(deltas);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject(reportedUsage);
    expect(harness().upstreamBody(0)).toMatchObject({ stream: true });
  });

  it('generateText runs a tool and sends its result back upstream as a string output', async () => {
    harness().fake.enqueue(...parisRoundTrip('It is 21 °C in Paris.'));

    const result = await generateText({
      model,
      prompt: 'Weather in Paris?',
      tools: { get_weather: weatherTool() },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });

    expect(result.text).toBe('It is 21 °C in Paris.');
    expect(result.steps[0]!.finishReason).toBe('tool-calls');
    expect(result.steps[0]!.toolCalls).toMatchObject([
      { type: 'tool-call', toolCallId: 'call_paris_1', toolName: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(harness().upstreamBody(0).tools).toMatchObject([
      { type: 'function', name: 'get_weather', description: 'Current weather in a city' },
    ]);
    expect(harness().upstreamBody(1).input).toEqual([
      { type: 'message', role: 'user', content: 'Weather in Paris?' },
      { type: 'function_call', call_id: 'call_paris_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_paris_1', output: '{"city":"Paris","celsius":21}' },
    ]);
  });

  it('streamText assembles streamed tool-call arguments and continues after the tool result', async () => {
    harness().fake.enqueue(...osloStreamedRoundTrip(['Cold:', ' 21 °C.']));

    const result = streamText({
      model,
      prompt: 'Weather in Oslo?',
      tools: { get_weather: weatherTool() },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    const inputDeltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'tool-input-delta') inputDeltas.push(part.delta);
    const steps = await result.steps;

    expect(inputDeltas).toEqual(['{"ci', 'ty":"Os', 'lo"}']);
    expect(steps[0]!.toolCalls).toMatchObject([{ toolCallId: 'call_oslo_1', toolName: 'get_weather', input: { city: 'Oslo' } }]);
    expect(await result.text).toBe('Cold: 21 °C.');
    expect(harness().upstreamBody(1).input.slice(1)).toEqual([
      { type: 'function_call', call_id: 'call_oslo_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'call_oslo_1', output: '{"city":"Oslo","celsius":21}' },
    ]);
  });

  it('generateObject parses the answer and the schema reaches upstream flattened', async () => {
    harness().fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('{"city":"Rome","celsius":25}')] }) });

    const result = await generateObject({
      model,
      schema: z.object({ city: z.string(), celsius: z.number() }),
      schemaName: 'weather',
      prompt: 'Weather in Rome as JSON.',
      maxRetries: 0,
    });

    expect(result.object).toEqual({ city: 'Rome', celsius: 25 });
    // What the library itself put on the wire to the adapter.
    const sent = result.request.body as { response_format: { type: string; json_schema: Record<string, any> } };
    const { name, schema, strict } = sent.response_format.json_schema;
    expect(sent.response_format.type).toBe('json_schema');
    expect(harness().upstreamBody(0).text.format).toEqual({ type: 'json_schema', name: 'weather', schema, strict });
    expect({ name, strict, properties: schema.properties }).toEqual({
      name: 'weather',
      strict: true,
      properties: { city: { type: 'string' }, celsius: { type: 'number' } },
    });
  });

  it('a named toolChoice reaches upstream flattened and the forced call is parsed', async () => {
    harness().fake.enqueue({
      kind: 'json',
      body: responseObject({ output: [functionCallItem('get_weather', '{"city":"Lima"}', 'call_lima_1')] }),
    });

    const result = await generateText({
      model,
      prompt: 'Weather in Lima?',
      tools: { get_weather: tool({ inputSchema: weatherInputSchema }) },
      toolChoice: { type: 'tool', toolName: 'get_weather' },
      maxRetries: 0,
    });

    expect(result.toolCalls).toMatchObject([{ toolCallId: 'call_lima_1', toolName: 'get_weather', input: { city: 'Lima' } }]);
    expect(harness().upstreamBody(0)).toMatchObject({
      tool_choice: { type: 'function', name: 'get_weather' },
      // The library sends no `strict`: Chat's default (false) must be made explicit upstream.
      tools: [{ type: 'function', name: 'get_weather', strict: false }],
    });
  });

  it('shows dropped settings in the response headers the library exposes', async () => {
    harness().fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('Four.')] }) });

    const result = await generateText({ model: chatModel('gpt-4.1'), prompt: '2+2?', seed: 7, maxRetries: 0 });

    expect(result.text).toBe('Four.');
    expect(result.response.headers?.['x-adapter-warnings']).toBe('seed');
    expect(harness().upstreamBody(0)).not.toHaveProperty('seed');
  });

  it('streamText reports an upstream failure after the first deltas as an error part', async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    harness().fake.enqueue(quotaErrorMidStream(message));

    const result = streamText({ model, prompt: 'Hi', maxRetries: 0, onError: () => undefined });
    const parts: Array<{ type: string; text?: string; error?: unknown }> = [];
    for await (const part of result.fullStream) parts.push(part);

    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual(['Partial ', 'answer']);
    expect(parts.find((part) => part.type === 'error')?.error).toMatchObject({ message });
  });

  it.each([
    ['generateText', () => generateText({ model, prompt: 'Hi', maxRetries: 0 }).then(() => undefined, (error: unknown) => error)],
    ['streamText', () => firstStreamError(streamText({ model, prompt: 'Hi', maxRetries: 0, onError: () => undefined }).fullStream)],
  ])('%s surfaces an upstream 429 with its message', async (_name, callAndCatch) => {
    const message = 'Rate limit reached for gpt-5-mini on tokens per min (TPM): Limit 30000, Used 30000.';
    harness().fake.enqueue(rateLimited(message));

    const error = await callAndCatch();

    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, message });
  });
});

async function firstStreamError(stream: AsyncIterable<{ type: string; error?: unknown }>): Promise<unknown> {
  for await (const part of stream) if (part.type === 'error') return part.error;
  return undefined;
}
