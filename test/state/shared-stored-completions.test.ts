import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { sharedRedisUrl } from '../helpers/redis-server.js';
import { closeReplicasAfterEach, startReplica } from './replicas.js';

/**
 * Two replicas on one Redis and one shared upstream key: a completion stored through one is listed,
 * retrieved, updated and deleted through the other, for its caller only. Each replica has its own
 * fake upstream, so what the second one asks upstream shows that the index, not the upstream, was read.
 */

closeReplicasAfterEach();

describe('stored completions across two replicas on one Redis', () => {
  it('serves on one replica what the other stored, and nothing to another caller', async () => {
    // Keys unique to this run: the Redis is shared by the whole suite, and scopes are per key.
    const keyA = `adapter-key-a-${randomUUID()}`;
    const keyB = `adapter-key-b-${randomUUID()}`;
    const env = { UPSTREAM_API_KEY: 'sk-upstream-shared', ADAPTER_API_KEYS: `${keyA},${keyB}` };
    const first = await startReplica(sharedRedisUrl(), env);
    const second = await startReplica(sharedRedisUrl(), env);
    const response = responseObject({ id: `resp_${randomUUID().replaceAll('-', '')}`, output: [messageItem('Stored once.')], store: true });
    first.harness.fake.enqueue({ kind: 'json', body: response });
    const created = await new OpenAI({ baseURL: first.url, apiKey: keyA, maxRetries: 0 }).chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Keep this.' }],
      store: true,
      metadata: { topic: 'replicas' },
    });

    const onSecond = new OpenAI({ baseURL: second.url, apiKey: keyA, maxRetries: 0 });
    // The list, the retrieve and the update each read the Response (the update answers the whole completion).
    second.harness.fake.enqueue({ kind: 'json', body: response }, { kind: 'json', body: response }, { kind: 'json', body: response });
    const listed = await onSecond.chat.completions.list({ metadata: { topic: 'replicas' } });
    expect(listed.data.map((completion) => completion.id)).toEqual([created.id]);
    const retrieved = await onSecond.chat.completions.retrieve(created.id);
    expect(retrieved.choices[0]!.message.content).toBe('Stored once.');
    const updated = await onSecond.chat.completions.update(created.id, { metadata: { topic: 'moved' } });
    expect((updated as { metadata?: unknown }).metadata).toEqual({ topic: 'moved' });

    // Another caller on the same upstream key sees nothing, and nothing of it is asked upstream.
    const other = new OpenAI({ baseURL: second.url, apiKey: keyB, maxRetries: 0 });
    expect((await other.chat.completions.list()).data).toEqual([]);
    await expect(other.chat.completions.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    const askedUpstream = second.harness.fake.requests.map((request) => `${request.method} ${request.path}`);
    expect(askedUpstream.filter((call) => call.includes(response.id as string))).toHaveLength(3);

    second.harness.fake.enqueue({ kind: 'json', body: { id: response.id, object: 'response.deleted', deleted: true } });
    expect(await onSecond.chat.completions.delete(created.id)).toMatchObject({ id: created.id, deleted: true });
    // Deleted through the second replica: gone for the first one too.
    const onFirst = new OpenAI({ baseURL: first.url, apiKey: keyA, maxRetries: 0 });
    expect((await onFirst.chat.completions.list({ metadata: { topic: 'moved' } })).data).toEqual([]);
  });
});
