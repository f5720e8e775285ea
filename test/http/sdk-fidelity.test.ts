import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  functionCallItem,
  functionCallStreamEvents,
  messageItem,
  responseObject,
  textStreamEvents,
} from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

/**
 * The Chat Completions features other adapters drop (logprobs, n, stop, legacy functions,
 * citations), exercised through the official SDK the way an application uses them.
 */

let harness: Harness;
let client: OpenAI;
beforeEach(async () => {
  harness = await startHarness();
  client = new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-fidelity', maxRetries: 0 });
});
afterEach(async () => {
  await harness.close();
});

const user = (content: string) => [{ role: 'user' as const, content }];

/** A token logprob as the upstream sends it (with `bytes`, as on the wire). */
function upstreamToken(token: string, logprob: number) {
  return {
    token,
    logprob,
    bytes: [...Buffer.from(token)],
    top_logprobs: [
      { token, logprob, bytes: [...Buffer.from(token)] },
      { token: token.toUpperCase(), logprob: logprob - 2, bytes: [...Buffer.from(token.toUpperCase())] },
    ],
  };
}
const chatToken = (entry: ReturnType<typeof upstreamToken>) => ({ ...entry });

describe('logprobs through the SDK', () => {
  const tokens = [upstreamToken('Hi', -0.1), upstreamToken(' there', -0.4)];

  it('asks the upstream for them and returns them per token (non-stream)', async () => {
    const item = messageItem('Hi there');
    item.content[0].logprobs = tokens;
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [item] }) });

    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: user('Greet'), logprobs: true, top_logprobs: 2 });

    expect(harness.fake.requests[0]!.body).toMatchObject({ include: ['message.output_text.logprobs'], top_logprobs: 2 });
    expect(completion.choices[0]!.logprobs).toEqual({ content: tokens.map(chatToken), refusal: null });
  });

  it('streams them on the deltas, and the SDK accumulates them', async () => {
    const response = responseObject({ output: [messageItem('Hi there')] });
    let next = 0;
    const events = textStreamEvents(response, ['Hi', ' there']).map((event) =>
      event.type === 'response.output_text.delta' ? { ...event, logprobs: [tokens[next++]] } : event,
    );
    harness.fake.enqueue({ kind: 'stream', events });

    const final = await client.chat.completions
      .stream({ model: 'gpt-test', messages: user('Greet'), logprobs: true, top_logprobs: 2 })
      .finalChatCompletion();

    expect(final.choices[0]!.message.content).toBe('Hi there');
    expect(final.choices[0]!.logprobs?.content).toEqual(tokens.map(chatToken));
  });
});

describe('n choices through the SDK', () => {
  it('makes n upstream calls and returns n choices with summed usage', async () => {
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ output: [messageItem('First')] }) },
      { kind: 'json', body: responseObject({ output: [messageItem('Second')] }) },
    );

    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: user('Pick a word'), n: 2 });

    expect(harness.fake.requests.filter((request) => request.path === '/v1/responses')).toHaveLength(2);
    expect(harness.fake.requests.every((request) => !('n' in request.body))).toBe(true);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'First'],
      [1, 'Second'],
    ]);
    const upstreamUsages = [0, 1].map(() => responseObject({}).usage);
    expect(completion.usage?.total_tokens).toBe(upstreamUsages[0].total_tokens + upstreamUsages[1].total_tokens);
  });

  it('streams n choices that the SDK assembles by index', async () => {
    const first = responseObject({ output: [messageItem('Alpha one')] });
    const second = responseObject({ output: [messageItem('Beta two')] });
    harness.fake.enqueue(
      { kind: 'stream', events: textStreamEvents(first, ['Alpha', ' one']), delayMs: 5 },
      { kind: 'stream', events: textStreamEvents(second, ['Beta', ' two']), delayMs: 5 },
    );

    const final = await client.chat.completions.stream({ model: 'gpt-test', messages: user('Two words'), n: 2 }).finalChatCompletion();

    expect(
      final.choices
        .map((choice) => [choice.index, choice.message.content, choice.finish_reason])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [0, 'Alpha one', 'stop'],
      [1, 'Beta two', 'stop'],
    ]);
  });
});

describe('stop sequences through the SDK', () => {
  it.each([
    ['non-stream', false],
    ['stream', true],
  ])('cuts the answer before the stop sequence (%s)', async (_name, stream) => {
    const text = 'Step 1: mix.\nStep 2: bake.\nStep 3: eat.';
    const response = responseObject({ output: [messageItem(text)] });
    harness.fake.enqueue(
      stream
        ? { kind: 'stream', events: textStreamEvents(response, ['Step 1: mix.\nSt', 'ep 2: bake.\nSte', 'p 3: eat.']) }
        : { kind: 'json', body: response },
    );
    const request = { model: 'gpt-test', messages: user('Recipe'), stop: ['Step 3'] };

    const completion = stream
      ? await client.chat.completions.stream(request).finalChatCompletion()
      : await client.chat.completions.create(request);

    expect(completion.choices[0]!.message.content).toBe('Step 1: mix.\nStep 2: bake.\n');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(harness.fake.requests[0]!.body).not.toHaveProperty('stop');
  });
});

describe('legacy functions through the SDK', () => {
  const functions = [{ name: 'lookup', description: 'Look a word up', parameters: { type: 'object', properties: { word: { type: 'string' } } } }];

  it('returns message.function_call and finish_reason function_call (non-stream)', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [functionCallItem('lookup', '{"word":"adapter"}')] }) });

    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: user('Define adapter'), functions });

    expect(completion.choices[0]!.message.function_call).toEqual({ name: 'lookup', arguments: '{"word":"adapter"}' });
    expect(completion.choices[0]!.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]!.finish_reason).toBe('function_call');
    expect(harness.fake.requests[0]!.body).toMatchObject({
      tools: [{ type: 'function', name: 'lookup', strict: false }],
      parallel_tool_calls: false,
    });
  });

  it('streams function_call deltas that the SDK assembles', async () => {
    const response = responseObject({ output: [] });
    harness.fake.enqueue({
      kind: 'stream',
      events: functionCallStreamEvents(response, [{ name: 'lookup', args: ['{"word":', '"adapter"}'] }]),
    });

    const final = await client.chat.completions.stream({ model: 'gpt-test', messages: user('Define adapter'), functions }).finalChatCompletion();

    expect(final.choices[0]!.message.function_call).toEqual({ name: 'lookup', arguments: '{"word":"adapter"}' });
    expect(final.choices[0]!.finish_reason).toBe('function_call');
  });

  it('sends the function result back paired with its call', async () => {
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('An adapter converts.')] }) });

    await client.chat.completions.create({
      model: 'gpt-test',
      functions,
      messages: [
        ...user('Define adapter'),
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"word":"adapter"}' } },
        { role: 'function', name: 'lookup', content: 'a device that converts' },
      ],
    });

    const input = harness.fake.requests[0]!.body.input;
    const call = input.find((item: { type?: string }) => item.type === 'function_call');
    const output = input.find((item: { type?: string }) => item.type === 'function_call_output');
    expect(call).toMatchObject({ name: 'lookup', arguments: '{"word":"adapter"}' });
    expect(output).toEqual({ type: 'function_call_output', call_id: call.call_id, output: 'a device that converts' });
  });
});

describe('web search through the SDK', () => {
  it('adds a web_search tool and returns url_citation annotations in the Chat shape', async () => {
    const text = 'The adapter is open source.';
    const item = messageItem(text);
    item.content[0].annotations = [{ type: 'url_citation', start_index: 4, end_index: 11, url: 'https://example.com/a', title: 'A' }];
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }, item] }) });

    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: user('Is it open source?'),
      web_search_options: { search_context_size: 'low', user_location: { type: 'approximate', approximate: { country: 'FR', city: 'Lyon' } } },
    });

    expect(harness.fake.requests[0]!.body.tools).toEqual([
      { type: 'web_search', search_context_size: 'low', user_location: { type: 'approximate', country: 'FR', city: 'Lyon' } },
    ]);
    expect(completion.choices[0]!.message.annotations).toEqual([
      { type: 'url_citation', url_citation: { start_index: 4, end_index: 11, url: 'https://example.com/a', title: 'A' } },
    ]);
    expect(text.slice(4, 11)).toBe('adapter');
  });
});
