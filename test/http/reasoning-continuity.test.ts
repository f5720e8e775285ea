import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { callerScope, ReasoningContinuity } from '../../src/reasoning/continuity.js';
import { sizeOfReasoning } from '../../src/reasoning/replay.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

/**
 * A reasoning model in a Chat client's tool loop: its encrypted reasoning is asked for, remembered
 * by tool call id, and sent back (without `status`) right before the item it preceded.
 */

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

async function start(env: Record<string, string> = {}) {
  harness = await startHarness(env);
  return new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-reasoning', maxRetries: 0 });
}

const tool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
};
const reasoningItem = {
  type: 'reasoning',
  id: 'rs_turn1',
  status: 'completed',
  summary: [{ type: 'summary_text', text: 'I should look it up.' }],
  encrypted_content: 'gAAAA-encrypted-turn-1',
};
const replayedReasoning = {
  type: 'reasoning',
  id: 'rs_turn1',
  summary: [{ type: 'summary_text', text: 'I should look it up.' }],
  encrypted_content: 'gAAAA-encrypted-turn-1',
};
const firstTurn = () =>
  responseObject({
    model: 'gpt-5-test',
    output: [reasoningItem, messageItem('Let me check.'), functionCallItem('lookup', '{"q":"tides"}', 'call_tides')],
  });

/** Runs turn one with the SDK, then sends the tool result back; returns both upstream bodies. */
async function toolLoop(client: OpenAI, model: string) {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'When is high tide?' }];
  const first = await client.chat.completions.create({ model, messages, tools: [tool] });
  messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: 'call_tides', content: '14:02' });
  await client.chat.completions.create({ model, messages, tools: [tool] });
  return harness.fake.requests.filter((request) => request.path === '/v1/responses').map((request) => request.body);
}

describe('reasoning continuity', () => {
  it('asks for encrypted reasoning and puts it back before the assistant text of that turn', async () => {
    const client = await start();
    harness.fake.enqueue(
      { kind: 'json', body: firstTurn() },
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('High tide is at 14:02.')] }) },
    );

    const [firstBody, secondBody] = await toolLoop(client, 'gpt-5-test');

    expect(firstBody.include).toEqual(['reasoning.encrypted_content']);
    expect(secondBody.input).toEqual([
      { type: 'message', role: 'user', content: 'When is high tide?' },
      replayedReasoning,
      { type: 'message', role: 'assistant', content: 'Let me check.' },
      { type: 'function_call', call_id: 'call_tides', name: 'lookup', arguments: '{"q":"tides"}' },
      { type: 'function_call_output', call_id: 'call_tides', output: '14:02' },
    ]);
  });

  it('remembers reasoning from a streamed turn too', async () => {
    const client = await start();
    const final = firstTurn();
    harness.fake.enqueue(
      {
        kind: 'stream',
        events: [
          { type: 'response.created', response: { ...final, status: 'in_progress', output: [], usage: null } },
          { type: 'response.output_item.added', output_index: 0, item: { ...reasoningItem, encrypted_content: null } },
          { type: 'response.output_item.done', output_index: 0, item: reasoningItem },
          { type: 'response.output_item.added', output_index: 1, item: { ...final.output[2], arguments: '' } },
          { type: 'response.function_call_arguments.delta', item_id: final.output[2].id, output_index: 1, delta: '{"q":"tides"}' },
          { type: 'response.output_item.done', output_index: 1, item: final.output[2] },
          { type: 'response.completed', response: { ...final, output: [reasoningItem, final.output[2]] } },
        ],
      },
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('14:02.')] }) },
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'When is high tide?' }];

    const streamed = await client.chat.completions.stream({ model: 'gpt-5-test', messages, tools: [tool] }).finalChatCompletion();
    messages.push(streamed.choices[0]!.message as ChatCompletionMessageParam, { role: 'tool', tool_call_id: 'call_tides', content: '14:02' });
    await client.chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });

    const secondBody = harness.fake.requests[1]!.body;
    expect(secondBody.input.slice(1, 3)).toEqual([
      replayedReasoning,
      { type: 'function_call', call_id: 'call_tides', name: 'lookup', arguments: '{"q":"tides"}' },
    ]);
  });

  it('leaves models that do not reason alone', async () => {
    const client = await start();
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ model: 'gpt-4.1', output: [functionCallItem('lookup', '{}', 'call_tides')] }) },
      { kind: 'json', body: responseObject({ model: 'gpt-4.1', output: [messageItem('Done.')] }) },
    );

    const bodies = await toolLoop(client, 'gpt-4.1');

    expect(bodies.map((body) => body.include)).toEqual([undefined, undefined]);
  });

  it('asks again without encrypted reasoning when the model refuses it, and remembers the refusal', async () => {
    const client = await start();
    const refusal = {
      kind: 'json' as const,
      status: 400,
      body: { error: { message: 'Encrypted content is not supported with this model.', type: 'invalid_request_error', param: 'include', code: null } },
    };
    harness.fake.enqueue(
      refusal,
      { kind: 'json', body: responseObject({ model: 'gpt-5-chat-like', output: [messageItem('Hi.')] }) },
      { kind: 'json', body: responseObject({ model: 'gpt-5-chat-like', output: [messageItem('Hi again.')] }) },
    );
    // A model the default pattern takes for a reasoning model, which is not one.
    const model = 'gpt-5-nonreasoning';

    const first = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });

    expect(first.choices[0]!.message.content).toBe('Hi.');
    expect(harness.fake.requests.map((request) => request.body.include)).toEqual([
      ['reasoning.encrypted_content'],
      undefined,
      undefined,
    ]);
  });

  it('drops replayed reasoning the upstream cannot use instead of failing the turn', async () => {
    const client = await start();
    harness.fake.enqueue(
      { kind: 'json', body: firstTurn() },
      {
        kind: 'json',
        status: 400,
        body: { error: { message: 'The encrypted content for item rs_turn1 could not be verified.', type: 'invalid_request_error', param: null, code: 'invalid_encrypted_content' } },
      },
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('High tide is at 14:02.')] }) },
    );

    const bodies = await toolLoop(client, 'gpt-5-test');

    expect(bodies).toHaveLength(3);
    expect(bodies[1].input.some((item: { type?: string }) => item.type === 'reasoning')).toBe(true);
    expect(bodies[2].input.some((item: { type?: string }) => item.type === 'reasoning')).toBe(false);
  });

  it('can be switched off', async () => {
    const client = await start({ REASONING_CONTINUITY: 'off' });
    harness.fake.enqueue({ kind: 'json', body: firstTurn() }, { kind: 'json', body: responseObject({ output: [messageItem('14:02')] }) });

    const bodies = await toolLoop(client, 'gpt-5-test');

    expect(bodies.map((body) => body.include)).toEqual([undefined, undefined]);
    expect(bodies[1].input.some((item: { type?: string }) => item.type === 'reasoning')).toBe(false);
  });
});

describe('reasoning memory is scoped to the caller', () => {
  /** Turn one as `first`; then `second` sends the same tool call back (its id is all it needs to know). */
  async function crossTurn(first: OpenAI, second: OpenAI) {
    harness.fake.enqueue(
      { kind: 'json', body: firstTurn() },
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('14:02.')] }) },
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'When is high tide?' }];
    const turn = await first.chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
    messages.push(turn.choices[0]!.message, { role: 'tool', tool_call_id: 'call_tides', content: '14:02' });
    await second.chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
    const secondBody = harness.fake.requests.filter((request) => request.path === '/v1/responses').at(-1)!.body;
    return secondBody.input.filter((item: { type?: string }) => item.type === 'reasoning');
  }

  it.each<{ mode: string; env: Record<string, string> }>([
    { mode: 'adapter keys, one upstream key', env: { ADAPTER_API_KEYS: 'sk-tenant-a-111111,sk-tenant-b-222222', UPSTREAM_API_KEY: 'sk-shared-upstream' } },
    { mode: 'open, each client its own key', env: {} },
  ])('$mode: another client naming the same tool call id gets none of it', async ({ env }) => {
    harness = await startHarness(env);
    const url = await harness.listen();
    const tenantA = new OpenAI({ baseURL: url, apiKey: 'sk-tenant-a-111111', maxRetries: 0 });
    const tenantB = new OpenAI({ baseURL: url, apiKey: 'sk-tenant-b-222222', maxRetries: 0 });

    expect(await crossTurn(tenantA, tenantB)).toEqual([]);
    // The same turn by the same client still gets its reasoning back.
    expect(await crossTurn(tenantA, tenantA)).toEqual([replayedReasoning]);
  });

  it('another project on the same key gets none of it', async () => {
    harness = await startHarness();
    const url = await harness.listen();
    const projectA = new OpenAI({ baseURL: url, apiKey: 'sk-org-key-333333', project: 'proj_a', maxRetries: 0 });
    const projectB = new OpenAI({ baseURL: url, apiKey: 'sk-org-key-333333', project: 'proj_b', maxRetries: 0 });

    expect(await crossTurn(projectA, projectB)).toEqual([]);
  });

  it('keeps no key in clear in the store', async () => {
    const remembered: string[] = [];
    const store = new MemoryStore(1_000_000, 60_000, sizeOfReasoning);
    const continuity = new ReasoningContinuity({
      putAll: (entries) => {
        remembered.push(...entries.keys());
        return store.putAll(entries);
      },
      getAll: (keys) => store.getAll(keys),
      deleteAll: (keys) => store.deleteAll(keys),
    });
    const caller = { authorization: 'Bearer sk-tenant-a-111111', forwardedHeaders: {} };
    const prepared = await continuity.prepare({ model: 'gpt-5-test', input: [], store: false }, caller);
    await continuity.capture(prepared, firstTurn() as never);

    expect(remembered).toHaveLength(1);
    expect(remembered[0]).toMatch(/^[\w-]{43}:gpt-5-test:call_tides$/);
    expect(remembered[0]).not.toContain('sk-tenant-a');
    expect(remembered[0]!.split(':')[0]).not.toBe(callerScope({ authorization: 'Bearer sk-tenant-b-222222', forwardedHeaders: {} }));
  });
});
