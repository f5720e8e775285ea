import { describe, expect, it } from 'vitest';
import { sizeOfReasoning, type RememberedReasoning } from '../../src/reasoning/replay.js';
import { MemoryStore } from '../../src/state/memory-store.js';

const entry = (encryptedLength: number): RememberedReasoning => ({
  model: 'o-test',
  before: 'call',
  items: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'x'.repeat(encryptedLength) }],
});

describe('MemoryStore', () => {
  it('recalls what it remembered, by call id', async () => {
    const store = new MemoryStore(1_000_000, 60_000, sizeOfReasoning);
    await store.putAll(new Map([['call_a', entry(10)], ['call_b', entry(20)]]));
    const found = await store.getAll(['call_b', 'call_missing']);
    expect([...found.keys()]).toEqual(['call_b']);
    expect(found.get('call_b')).toEqual(entry(20));
  });

  it('forgets entries older than the time to live', async () => {
    let now = 1_000;
    const store = new MemoryStore(1_000_000, 500, sizeOfReasoning, () => now);
    await store.putAll(new Map([['call_a', entry(10)]]));
    now += 499;
    expect((await store.getAll(['call_a'])).size).toBe(1);
    now += 1;
    expect((await store.getAll(['call_a'])).size).toBe(0);
    expect(store.size).toBe(0);
  });

  it('evicts the oldest entries once over its byte budget, and never holds more', async () => {
    const store = new MemoryStore(5_000, 60_000, sizeOfReasoning);
    for (let index = 0; index < 20; index++) await store.putAll(new Map([[`call_${index}`, entry(1_000)]]));
    expect(store.bytes).toBeLessThanOrEqual(5_000);
    const found = await store.getAll(Array.from({ length: 20 }, (_, index) => `call_${index}`));
    expect([...found.keys()]).toEqual(['call_16', 'call_17', 'call_18', 'call_19']);
  });

  it('skips an entry larger than the whole budget', async () => {
    const store = new MemoryStore(500, 60_000, sizeOfReasoning);
    await store.putAll(new Map([['call_big', entry(10_000)]]));
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it('replaces an entry remembered twice without counting it twice', async () => {
    const store = new MemoryStore(1_000_000, 60_000, sizeOfReasoning);
    await store.putAll(new Map([['call_a', entry(100)]]));
    const once = store.bytes;
    await store.putAll(new Map([['call_a', entry(100)]]));
    expect(store.bytes).toBe(once);
  });
});
