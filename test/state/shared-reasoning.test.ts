import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { sharedRedisUrl } from '../helpers/redis-server.js';
import { closeReplicasAfterEach, readiness, startReplica } from './replicas.js';

/**
 * Two replicas (two whole apps, each with its own upstream connection) on one Redis: the reasoning
 * one remembers for a tool call is replayed by the other when the client's next turn lands there.
 */

closeReplicasAfterEach();
const replica = () => startReplica(sharedRedisUrl());

const tool: ChatCompletionTool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } };
const reasoning = { type: 'reasoning', id: 'rs_shared', status: 'completed', summary: [{ type: 'summary_text', text: 'Look it up.' }], encrypted_content: 'gAAAA-shared-between-replicas' };

describe('two replicas on one Redis', () => {
  it('replays on one replica the reasoning the other remembered, for the same caller only', async () => {
    const first = await replica();
    const second = await replica();
    const callId = `call_${randomUUID().slice(0, 8)}`;
    const apiKey = `sk-replica-test-${randomUUID()}`;
    first.harness.fake.enqueue({
      kind: 'json',
      body: responseObject({ model: 'gpt-5-test', output: [reasoning, functionCallItem('lookup', '{"q":"tides"}', callId)] }),
    });
    second.harness.fake.enqueue(
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('14:02.')] }) },
      { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('14:02.')] }) },
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'When is high tide?' }];

    const turn = await new OpenAI({ baseURL: first.url, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
    messages.push(turn.choices[0]!.message, { role: 'tool', tool_call_id: callId, content: '14:02' });
    await new OpenAI({ baseURL: second.url, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
    // Another caller naming the same call id on the second replica gets nothing.
    await new OpenAI({ baseURL: second.url, apiKey: `${apiKey}-other`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });

    const [replayedTurn, otherCaller] = second.harness.fake.requests.filter((request) => request.path === '/v1/responses').map((request) => request.body);
    expect(replayedTurn.input.slice(1, 3)).toEqual([
      { type: 'reasoning', id: 'rs_shared', summary: [{ type: 'summary_text', text: 'Look it up.' }], encrypted_content: 'gAAAA-shared-between-replicas' },
      { type: 'function_call', call_id: callId, name: 'lookup', arguments: '{"q":"tides"}' },
    ]);
    expect(otherCaller.input.some((item: { type?: string }) => item.type === 'reasoning')).toBe(false);
  });

  it('reports Redis in /readyz and stays ready', async () => {
    const { url } = await replica();
    expect(await readiness(url, 'ready')).toEqual({ status: 200, body: { status: 'ready', redis: 'ready' } });
  });
});

