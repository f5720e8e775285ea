import type { AIMessageChunk } from '@langchain/core/messages';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionCallStreamEvents, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { useClientHarness } from './client-harness.js';
import { billedAnswer, billedStream, parisRoundTrip, quotaErrorMidStream, rateLimited } from './upstream-replies.js';

const harness = useClientHarness();
let chat: ChatOpenAI;

beforeEach(() => {
  chat = new ChatOpenAI({
    model: 'gpt-4.1-mini',
    apiKey: 'sk-langchain-user',
    configuration: { baseURL: harness().baseUrl },
    useResponsesApi: false,
    maxRetries: 0,
  });
});

// The same numbers in LangChain's vocabulary, worked out by hand from upstreamUsage (upstream-replies.ts).
const reportedUsage = {
  input_tokens: 37,
  output_tokens: 12,
  total_tokens: 49,
  input_token_details: { cache_read: 5 },
  output_token_details: { reasoning: 3 },
};

const weatherTool = tool(async ({ city }) => JSON.stringify({ city, celsius: 21 }), {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});

async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<AIMessageChunk[]> {
  const chunks: AIMessageChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function merge(chunks: AIMessageChunk[]): AIMessageChunk {
  return chunks.reduce((merged, chunk) => merged.concat(chunk));
}

describe('LangChain ChatOpenAI (Chat Completions) through the adapter', () => {
  it('invoke returns the upstream text and usage', async () => {
    harness().fake.enqueue(billedAnswer('Bonjour !'));

    const message = await chat.invoke([
      ['system', 'Answer in French.'],
      ['human', 'Say hello.'],
    ]);

    expect(message.content).toBe('Bonjour !');
    expect(message.usage_metadata).toMatchObject(reportedUsage);
    expect(message.response_metadata).toMatchObject({ finish_reason: 'stop' });
    expect(harness().upstreamBody(0)).toMatchObject({
      model: 'gpt-4.1-mini',
      instructions: 'Answer in French.',
      input: [{ type: 'message', role: 'user', content: 'Say hello.' }],
    });
    expect(harness().fake.requests[0]!.headers.authorization).toBe('Bearer sk-langchain-user');
  });

  it('stream yields the upstream deltas one by one and a usage chunk', async () => {
    const deltas = ['Once', ' upon', ' a time', '.'];
    harness().fake.enqueue(billedStream(deltas));

    const chunks = await collect(await chat.stream('Tell a story.'));

    expect(chunks.map((chunk) => chunk.content).filter((content) => content !== '')).toEqual(deltas);
    expect(merge(chunks).usage_metadata).toMatchObject(reportedUsage);
    expect(harness().upstreamBody(0)).toMatchObject({ stream: true });
  });

  it('parses a tool call and sends the ToolMessage back upstream as a string output', async () => {
    harness().fake.enqueue(...parisRoundTrip('It is 21 °C in Paris.'));
    const withTools = chat.bindTools([weatherTool]);
    const question = new HumanMessage('Weather in Paris?');

    const first = await withTools.invoke([question]);
    expect(first.tool_calls).toEqual([{ type: 'tool_call', id: 'call_paris_1', name: 'get_weather', args: { city: 'Paris' } }]);
    const toolMessage: ToolMessage = await weatherTool.invoke(first.tool_calls![0]!);
    const second = await withTools.invoke([question, first, toolMessage]);

    expect(second.content).toBe('It is 21 °C in Paris.');
    expect(harness().upstreamBody(0).tools).toMatchObject([
      { type: 'function', name: 'get_weather', description: 'Current weather in a city' },
    ]);
    expect(harness().upstreamBody(1).input).toEqual([
      { type: 'message', role: 'user', content: 'Weather in Paris?' },
      { type: 'function_call', call_id: 'call_paris_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_paris_1', output: '{"city":"Paris","celsius":21}' },
    ]);
  });

  it('streams parallel tool-call chunks that merge into the parsed calls', async () => {
    const osloFragments = ['{"ci', 'ty":"Os', 'lo"}'];
    const limaFragments = ['{"city":', '"Lima"}'];
    harness().fake.enqueue({
      kind: 'stream',
      events: functionCallStreamEvents(responseObject(), [
        { name: 'get_weather', args: osloFragments, callId: 'call_oslo_1' },
        { name: 'get_weather', args: limaFragments, callId: 'call_lima_1' },
      ]),
    });

    const chunks = await collect(await chat.bindTools([weatherTool]).stream('Weather in Oslo and Lima?'));
    const argumentFragments = chunks
      .flatMap((chunk) => chunk.tool_call_chunks ?? [])
      .map((toolCallChunk) => [toolCallChunk.index, toolCallChunk.args]);

    expect(argumentFragments.filter(([, args]) => args !== '')).toEqual([
      ...osloFragments.map((fragment) => [0, fragment]),
      ...limaFragments.map((fragment) => [1, fragment]),
    ]);
    expect(merge(chunks).tool_calls).toEqual([
      { type: 'tool_call', id: 'call_oslo_1', name: 'get_weather', args: { city: 'Oslo' } },
      { type: 'tool_call', id: 'call_lima_1', name: 'get_weather', args: { city: 'Lima' } },
    ]);
    expect(merge(chunks).response_metadata).toMatchObject({ finish_reason: 'tool_calls' });
  });

  it('withStructuredOutput (jsonSchema) parses the answer and the schema reaches upstream flattened', async () => {
    harness().fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('{"city":"Rome","celsius":25}')] }) });
    const weather = z.object({ city: z.string(), celsius: z.number() });

    const result = await chat
      .withStructuredOutput(weather, { method: 'jsonSchema', name: 'weather', includeRaw: true })
      .invoke('Weather in Rome as JSON.');

    expect(result.parsed).toEqual({ city: 'Rome', celsius: 25 });
    expect(harness().upstreamBody(0).text.format).toMatchObject({
      type: 'json_schema',
      name: 'weather',
      strict: true,
      schema: {
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
        required: ['city', 'celsius'],
      },
    });
  });

  it('stream throws the upstream message when the upstream fails after the first deltas', async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    harness().fake.enqueue(quotaErrorMidStream(message));
    const received: unknown[] = [];

    const error = await (async () => {
      for await (const chunk of await chat.stream('Hi')) received.push(chunk.content);
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(received.filter((content) => content !== '')).toEqual(['Partial ', 'answer']);
    expect(error).toMatchObject({ message, code: 'insufficient_quota' });
  });

  it.each([
    ['invoke', () => chat.invoke('Hi')],
    ['stream', async () => collect(await chat.stream('Hi'))],
  ])('%s surfaces an upstream 429 with its message', async (_name, call) => {
    const message = 'Rate limit reached for gpt-4.1-mini on tokens per min (TPM): Limit 30000, Used 30000.';
    harness().fake.enqueue(rateLimited(message));

    const error = await call().then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ status: 429, lc_error_code: 'MODEL_RATE_LIMIT' });
    expect((error as Error).message).toContain(message);
  });
});
