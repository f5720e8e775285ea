import OpenAI, { APIError, RateLimitError } from 'openai';
import { beforeEach, describe, expect, it } from 'vitest';
import { functionCallStreamEvents, messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { chatUsage, responsesUsage } from '../helpers/usage-objects.js';
import { useStreamHarness } from './stream-harness.js';

const harness = useStreamHarness();
let client: OpenAI;

beforeEach(() => {
  client = new OpenAI({ baseURL: harness().url, apiKey: 'sk-test', maxRetries: 0 });
});

const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const quotaMessage = 'You exceeded your current quota, please check your plan and billing details.';

function enqueueText(deltas: string[], overrides: Record<string, unknown> = {}): void {
  const response = responseObject({ output: [messageItem(deltas.join(''))], ...overrides });
  harness().fake.enqueue({ kind: 'stream', events: textStreamEvents(response, deltas) });
}

describe('the official SDK over a streamed answer', () => {
  it('iterates chunks from chat.completions.create({ stream: true })', async () => {
    enqueueText(['Hello', ', SDK', ' user.']);

    const stream = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true });
    const contents: string[] = [];
    const finishReasons: Array<string | null> = [];
    for await (const chunk of stream) {
      contents.push(chunk.choices[0]?.delta.content ?? '');
      finishReasons.push(chunk.choices[0]?.finish_reason ?? null);
    }

    expect(contents.join('')).toBe('Hello, SDK user.');
    expect(finishReasons.filter((reason) => reason !== null)).toEqual(['stop']);
  });

  it('emits content events and assembles the final completion with chat.completions.stream()', async () => {
    enqueueText(['Stream', 'ed ', 'text']);

    const stream = client.chat.completions.stream({ model: 'gpt-test', messages });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();

    expect(deltas).toEqual(['Stream', 'ed ', 'text']);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Streamed text', refusal: null },
    });
  });

  it('accumulates streamed parallel tool calls into the final message', async () => {
    const response = responseObject();
    harness().fake.enqueue({
      kind: 'stream',
      events: functionCallStreamEvents(response, [
        { name: 'get_weather', args: ['{"city"', ':"Paris"}'], callId: 'call_weather' },
        { name: 'get_time', args: ['{"zone":', '"CET"}'], callId: 'call_time' },
      ]),
    });
    const tools = ['get_weather', 'get_time'].map((name) => ({
      type: 'function' as const,
      function: { name, parameters: { type: 'object', properties: {} } },
    }));

    const completion = await client.chat.completions.stream({ model: 'gpt-test', messages, tools }).finalChatCompletion();

    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls?.map((call) => (call.type === 'function' ? { id: call.id, type: call.type, function: { name: call.function.name, arguments: call.function.arguments } } : call))).toEqual([
      { id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
    ]);
  });

  it('reports usage on the final completion with stream_options.include_usage', async () => {
    enqueueText(['Short.'], { usage: responsesUsage(8, 3, { cached: 2, reasoning: 1 }) });

    const completion = await client.chat.completions
      .stream({ model: 'gpt-test', messages, stream_options: { include_usage: true } })
      .finalChatCompletion();

    expect(completion.usage).toEqual(chatUsage(8, 3, { cached: 2, reasoning: 1 }));
  });
});

describe('the official SDK over a failing stream', () => {
  it('throws an APIError with the upstream message when an error frame follows output', async () => {
    const response = responseObject({ output: [messageItem('Partial answer')] });
    harness().fake.enqueue({
      kind: 'stream',
      events: [
        ...textStreamEvents(response, ['Partial ', 'answer']).slice(0, 6),
        { type: 'error', error: { type: 'insufficient_quota', code: 'insufficient_quota', message: quotaMessage, param: null } },
        { type: 'response.failed', response: responseObject({ status: 'failed', error: { code: 'insufficient_quota', message: quotaMessage } }) },
      ],
    });

    const stream = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true });
    const contents: string[] = [];
    const iterate = async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    };

    const error = await iterate().then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ message: quotaMessage, code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(contents.join('')).toBe('Partial answer');
  });

  it('rejects create() with the typed error when the upstream refuses before streaming', async () => {
    harness().fake.enqueue({
      kind: 'json',
      status: 429,
      body: { error: { message: 'Rate limit reached for requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    });

    const attempt = client.chat.completions.create({ model: 'gpt-test', messages, stream: true });

    await expect(attempt).rejects.toBeInstanceOf(RateLimitError);
    await expect(attempt).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: '429 Rate limit reached for requests.' });
  });
});
