import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { StateUnavailableError } from '../../src/errors.js';
import { AdapterMetrics } from '../../src/metrics/adapter-metrics.js';
import { createStateBackend } from '../../src/state/backend.js';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { LEVEL } from '../http/app-harness.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { parseExposition, valuesOf } from '../helpers/prometheus-text.js';
import { closeReplicasAfterEach, readiness, startReplica } from './replicas.js';

/**
 * Redis stopped under a running app (the redis-server of this test, killed): chat requests are
 * still answered, without reasoning memory, with one warning and a counted metric; once Redis is
 * back, the memory works again. The stored-completions index, which cannot do without it, says 503.
 */

closeReplicasAfterEach();
let redis: RedisServer | undefined;
afterEach(async () => {
  await redis?.stop();
  redis = undefined;
});

const tool: ChatCompletionTool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
const reasoning = { type: 'reasoning', id: 'rs_down', summary: [], encrypted_content: 'gAAAA-down' };
const warningsOf = (lines: Array<Record<string, any>>) => lines.filter((line) => line.level === LEVEL.warn && String(line.msg).startsWith("state store 'reasoning' unavailable"));

/** A tool-call turn, then the turn that sends its result back; the second upstream body's reasoning items. */
async function toolLoop(client: OpenAI, fake: { enqueue: (...replies: any[]) => void; requests: Array<{ path: string; body: any }> }): Promise<unknown[]> {
  const callId = `call_${randomUUID().slice(0, 8)}`;
  fake.enqueue(
    { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [reasoning, functionCallItem('lookup', '{}', callId)] }) },
    { kind: 'json', body: responseObject({ model: 'gpt-5-test', output: [messageItem('Done.')] }) },
  );
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Go.' }];
  const turn = await client.chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
  messages.push(turn.choices[0]!.message, { role: 'tool', tool_call_id: callId, content: 'ok' });
  const answer = await client.chat.completions.create({ model: 'gpt-5-test', messages, tools: [tool] });
  expect(answer.choices[0]!.message.content).toBe('Done.');
  const body = fake.requests.filter((request) => request.path === '/v1/responses').at(-1)!.body;
  return body.input.filter((item: { type?: string }) => item.type === 'reasoning');
}

describe('Redis goes down under a running app', () => {
  it('keeps answering without memory, warns once, counts, and remembers again once Redis is back', async () => {
    redis = await startRedisServer();
    const { harness, url } = await startReplica(redis.url);
    const client = new OpenAI({ baseURL: url, apiKey: `sk-down-${randomUUID()}`, maxRetries: 0 });
    expect(await readiness(url, 'ready')).toMatchObject({ status: 200 });
    expect(await toolLoop(client, harness.fake)).toEqual([reasoning]);

    await redis.stop();
    expect(await readiness(url, 'down')).toEqual({ status: 200, body: { status: 'ready', redis: 'down' } });
    // Two tool loops: four chat requests, each answered; nothing remembered or replayed.
    expect(await toolLoop(client, harness.fake)).toEqual([]);
    expect(await toolLoop(client, harness.fake)).toEqual([]);
    expect(warningsOf(harness.logLines())).toHaveLength(1);
    expect(warningsOf(harness.logLines())[0]).toMatchObject({ store: 'reasoning', msg: "state store 'reasoning' unavailable (Redis): reasoning continuity is off meanwhile" });
    const metrics = parseExposition(await (await fetch(url.replace(/\/v1$/, '/metrics'))).text());
    expect(valuesOf(metrics, 'chat_adapter_state_errors_total')).toEqual({
      'chat_adapter_state_errors_total{operation="get",store="reasoning"}': 2,
      'chat_adapter_state_errors_total{operation="put",store="reasoning"}': 2,
    });

    await redis.start();
    expect(await readiness(url, 'ready')).toEqual({ status: 200, body: { status: 'ready', redis: 'ready' } });
    expect(await toolLoop(client, harness.fake)).toEqual([reasoning]);
    expect(harness.logLines().some((line) => line.msg === 'Redis connection restored: state is shared again')).toBe(true);
    // Nothing of the key in the log, even while failing.
    expect(harness.logText()).not.toContain(client.apiKey);
  }, 60_000);

  it('serves from the start when Redis is not there at all', async () => {
    const { harness, url } = await startReplica(`redis://127.0.0.1:${await freePort()}`);
    const client = new OpenAI({ baseURL: url, apiKey: 'sk-no-redis', maxRetries: 0 });
    expect(await toolLoop(client, harness.fake)).toEqual([]);
    expect(await readiness(url, 'down')).toEqual({ status: 200, body: { status: 'ready', redis: 'down' } });
  });

  it('answers stored-completion operations with an OpenAI-shaped 503 while Redis is down; named stores degrade or fail as asked', async () => {
    redis = await startRedisServer();
    const metrics = new AdapterMetrics();
    const backend = createStateBackend({ redisUrl: redis.url, reasoningCacheBytes: 1_000_000, reasoningCacheTtlMs: 60_000 }, pino({ level: 'silent' }), metrics);
    try {
      const runs = backend.store<{ id: string }>('background-runs', { ttlMs: 60_000, maxBytes: 1_000_000, sizeOf: () => 10, whenUnavailable: 'fail' });
      const hints = backend.store<{ id: string }>('hints', { ttlMs: 60_000, maxBytes: 1_000_000, sizeOf: () => 10 });
      await runs.putAll(new Map([['resp_1', { id: 'resp_1' }]]));
      expect(await runs.getAll(['resp_1'])).toEqual(new Map([['resp_1', { id: 'resp_1' }]]));
      await redis.stop();

      const failure = await backend.completions.list('scope', { limit: 10, order: 'desc' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StateUnavailableError);
      expect({ status: (failure as StateUnavailableError).status, body: (failure as StateUnavailableError).toBody() }).toEqual({
        status: 503,
        body: { error: { message: "The adapter's state store (Redis) is unavailable; try again shortly.", type: 'server_error', param: null, code: 'state_store_unavailable' } },
      });
      await expect(backend.completions.get('scope', 'chatcmpl-1')).rejects.toBeInstanceOf(StateUnavailableError);
      await expect(runs.getAll(['resp_1'])).rejects.toBeInstanceOf(StateUnavailableError);
      expect(await hints.getAll(['resp_1'])).toEqual(new Map());
      await hints.putAll(new Map([['resp_1', { id: 'resp_1' }]]));
      expect(await backend.reasoning.getAll(['a'])).toEqual(new Map());
      expect(valuesOf(parseExposition(metrics.render()), 'chat_adapter_state_errors_total')).toEqual({
        'chat_adapter_state_errors_total{operation="list",store="completions"}': 1,
        'chat_adapter_state_errors_total{operation="get",store="completions"}': 1,
        'chat_adapter_state_errors_total{operation="get",store="background-runs"}': 1,
        'chat_adapter_state_errors_total{operation="get",store="hints"}': 1,
        'chat_adapter_state_errors_total{operation="put",store="hints"}': 1,
        'chat_adapter_state_errors_total{operation="get",store="reasoning"}': 1,
      });
    } finally {
      await backend.close();
    }
  });
});
