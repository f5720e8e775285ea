import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI, { RateLimitError } from 'openai';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionCallItem, messageItem, responseObject, textStreamEvents, type Reply } from '../../tools/fake-upstream/index.js';
import { useClientHarness } from './client-harness.js';
import { billedAnswer, billedStream, osloStreamedRoundTrip, parisRoundTrip, quotaErrorMidStream, rateLimited } from './upstream-replies.js';

const harness = useClientHarness();
let model: OpenAIChatCompletionsModel;

// Traces would otherwise be exported to OpenAI's servers.
beforeAll(() => setTracingDisabled(true));
beforeEach(() => {
  const client = new OpenAI({ baseURL: harness().baseUrl, apiKey: 'sk-agents-user', maxRetries: 0 });
  model = new OpenAIChatCompletionsModel(client, 'gpt-4.1-mini');
});

// The same numbers in the Agents SDK's vocabulary, worked out by hand from upstreamUsage (upstream-replies.ts).
const reportedUsage = {
  requests: 1,
  inputTokens: 37,
  outputTokens: 12,
  totalTokens: 49,
  inputTokensDetails: [{ cached_tokens: 5 }],
  outputTokensDetails: [{ reasoning_tokens: 3 }],
};

const weatherTool = tool({
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => JSON.stringify({ city, celsius: 21 }),
});

function textReply(text: string, stream: boolean): Reply {
  const response = responseObject({ output: [messageItem(text)] });
  return stream ? { kind: 'stream', events: textStreamEvents(response, [text]) } : { kind: 'json', body: response };
}

async function streamedRun(input: string) {
  const result = await run(agent(), input, { stream: true });
  await result.completed;
  return result;
}

function agent(options: Partial<ConstructorParameters<typeof Agent>[0]> = {}) {
  return new Agent({ name: 'Assistant', instructions: 'Answer in French.', model, ...options });
}

describe('OpenAI Agents SDK Chat Completions model through the adapter', () => {
  it('run returns the upstream text and usage', async () => {
    harness().fake.enqueue(billedAnswer('Bonjour !'));

    const result = await run(agent(), 'Say hello.');

    expect(result.finalOutput).toBe('Bonjour !');
    expect(result.runContext.usage).toMatchObject(reportedUsage);
    expect(harness().upstreamBody(0)).toMatchObject({
      model: 'gpt-4.1-mini',
      instructions: 'Answer in French.',
      input: [{ type: 'message', role: 'user', content: 'Say hello.' }],
    });
    expect(harness().fake.requests[0]!.headers.authorization).toBe('Bearer sk-agents-user');
  });

  it('a streamed run yields the upstream deltas one by one, then usage', async () => {
    const deltas = ['Il', ' était', ' une fois', '.'];
    harness().fake.enqueue(billedStream(deltas));

    const result = await run(agent(), 'Tell a story.', { stream: true });
    const received: string[] = [];
    for await (const text of result.toTextStream()) received.push(text);
    await result.completed;

    expect(received).toEqual(deltas);
    expect(result.finalOutput).toBe(deltas.join(''));
    expect(result.runContext.usage).toMatchObject(reportedUsage);
  });

  it('runs a tool and sends its result back upstream as a string output', async () => {
    harness().fake.enqueue(...parisRoundTrip('Il fait 21 °C à Paris.'));

    const result = await run(agent({ tools: [weatherTool] }), 'Weather in Paris?');

    expect(result.finalOutput).toBe('Il fait 21 °C à Paris.');
    expect(result.newItems.map((item) => item.type)).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
    expect(harness().upstreamBody(0).tools).toMatchObject([
      { type: 'function', name: 'get_weather', description: 'Current weather in a city', strict: true },
    ]);
    expect(harness().upstreamBody(1).input).toEqual([
      { type: 'message', role: 'user', content: 'Weather in Paris?' },
      { type: 'function_call', call_id: 'call_paris_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_paris_1', output: '{"city":"Paris","celsius":21}' },
    ]);
  });

  it('a streamed run assembles streamed tool-call arguments and continues after the tool result', async () => {
    harness().fake.enqueue(...osloStreamedRoundTrip(['Froid :', ' 21 °C.']));

    const result = await run(agent({ tools: [weatherTool] }), 'Weather in Oslo?', { stream: true });
    await result.completed;

    expect(result.finalOutput).toBe('Froid : 21 °C.');
    expect(result.newItems.map((item) => item.type)).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
    expect(harness().upstreamBody(1).input.slice(1)).toEqual([
      { type: 'function_call', call_id: 'call_oslo_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'call_oslo_1', output: '{"city":"Oslo","celsius":21}' },
    ]);
  });

  it('an outputType agent parses the answer and the schema reaches upstream flattened', async () => {
    harness().fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('{"city":"Rome","celsius":25}')] }) });
    const weather = z.object({ city: z.string(), celsius: z.number() });

    const result = await run(agent({ outputType: weather }), 'Weather in Rome as JSON.');

    expect(result.finalOutput).toEqual({ city: 'Rome', celsius: 25 });
    expect(harness().upstreamBody(0).text.format).toMatchObject({
      type: 'json_schema',
      name: 'output',
      strict: true,
      schema: {
        type: 'object',
        properties: { city: { type: 'string' }, celsius: { type: 'number' } },
        required: ['city', 'celsius'],
      },
    });
  });

  // The SDK echoes a previous answer's provider data inside the assistant text part (`annotations`,
  // and when not streamed also `role`, `refusal`, `tool_calls`); the adapter must accept it.
  it.each([false, true])('continues a conversation from result.history (stream %s)', async (stream) => {
    harness().fake.enqueue(textReply('Bonjour !', stream), textReply('Ça va bien.', false));

    const first = stream ? await streamedRun('Say hello.') : await run(agent(), 'Say hello.');
    const second = await run(agent(), [...first.history, { role: 'user', content: 'How are you?' }]);

    expect(second.finalOutput).toBe('Ça va bien.');
    expect(harness().upstreamBody(1).input).toEqual([
      { type: 'message', role: 'user', content: 'Say hello.' },
      { type: 'message', role: 'assistant', content: 'Bonjour !' },
      { type: 'message', role: 'user', content: 'How are you?' },
    ]);
  });

  it('sends back a tool call that came with preamble text', async () => {
    const preamble = responseObject({
      output: [messageItem('Let me check.'), functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris_1')],
    });
    harness().fake.enqueue({ kind: 'json', body: preamble }, textReply('Il fait 21 °C.', false));

    const result = await run(agent({ tools: [weatherTool] }), 'Weather in Paris?');

    expect(result.finalOutput).toBe('Il fait 21 °C.');
    expect(harness().upstreamBody(1).input).toEqual([
      { type: 'message', role: 'user', content: 'Weather in Paris?' },
      { type: 'message', role: 'assistant', content: 'Let me check.' },
      { type: 'function_call', call_id: 'call_paris_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_paris_1', output: '{"city":"Paris","celsius":21}' },
    ]);
  });

  it('a streamed run rejects with the upstream message when the upstream fails after the first deltas', async () => {
    const message = 'You exceeded your current quota, please check your plan and billing details.';
    harness().fake.enqueue(quotaErrorMidStream(message));

    const result = await run(agent(), 'Hi', { stream: true });
    const error = await result.completed.then(
      () => result.error,
      (caught: unknown) => caught,
    );

    expect(error).toMatchObject({ message, code: 'insufficient_quota' });
  });

  it.each([
    ['run', () => run(agent(), 'Hi')],
    ['a streamed run', async () => (await run(agent(), 'Hi', { stream: true })).completed],
  ])('%s surfaces an upstream 429 with its message', async (_name, call) => {
    const message = 'Rate limit reached for gpt-4.1-mini on tokens per min (TPM): Limit 30000, Used 30000.';
    harness().fake.enqueue(rateLimited(message));

    const error = await call().then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, error: { message, code: 'rate_limit_exceeded' } });
  });
});
