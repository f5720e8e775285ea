import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/state/memory-store.js';
import { RedisConnection } from '../../src/state/redis-connection.js';
import { RedisStore } from '../../src/state/redis-store.js';
import { sharedRedisUrl } from '../helpers/redis-server.js';
import { stateStoreContract } from './state-store-contract.js';

const silent = pino({ level: 'silent' });
let connection: RedisConnection | undefined;
const connected = (): RedisConnection => (connection ??= new RedisConnection(sharedRedisUrl(), silent));
afterAll(async () => {
  await connection?.close();
});

stateStoreContract('MemoryStore', async (ttlMs) => {
  let now = 1_000_000;
  return {
    store: new MemoryStore(1_000_000, ttlMs, (value) => JSON.stringify(value).length, () => now),
    elapse: async (ms) => {
      now += ms;
    },
  };
});

// Redis expires keys itself, in real time: a fresh store name per test keeps the tests apart.
stateStoreContract('RedisStore', async (ttlMs) => ({
  store: new RedisStore(connected(), `test-${randomUUID()}`, ttlMs),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

describe('RedisStore on the wire', () => {
  it('keeps each entry as JSON under cra:<store>:<key> with the time to live set, one store apart from another', async () => {
    const name = `test-${randomUUID()}`;
    const store = new RedisStore(connected(), name, 60_000);
    await store.putAll(new Map([['scope:o-test:call_a', { items: [1] }]]));
    const raw = new Redis(sharedRedisUrl());
    try {
      expect(await raw.get(`cra:${name}:scope:o-test:call_a`)).toBe('{"items":[1]}');
      const ttl = await raw.pttl(`cra:${name}:scope:o-test:call_a`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      raw.disconnect();
    }
    // The same name on another connection (another replica) sees it; another name does not.
    const replica = new RedisConnection(sharedRedisUrl(), silent);
    try {
      expect((await new RedisStore(replica, name, 60_000).getAll(['scope:o-test:call_a'])).size).toBe(1);
      expect((await new RedisStore(replica, `test-${randomUUID()}`, 60_000).getAll(['scope:o-test:call_a'])).size).toBe(0);
    } finally {
      await replica.close();
    }
  });

  it('skips a value larger than its byte bound, as the memory store does', async () => {
    const store = new RedisStore<string>(connected(), `test-${randomUUID()}`, 60_000, 100, (value) => value.length);
    await store.putAll(new Map([['big', 'x'.repeat(200)], ['small', 'y']]));
    expect([...(await store.getAll(['big', 'small'])).keys()]).toEqual(['small']);
  });
});
