/**
 * The StateStore contract (src/state/store.ts), one suite run against every implementation: JSON
 * values by key, each entry expiring after the store's time to live counted from its own write,
 * replace, delete, and nothing for keys never written.
 */
import { describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/store.js';

export interface StoreUnderTest {
  store: StateStore<unknown>;
  /** Lets `ms` pass for the store (a fake clock, or real time for Redis). */
  elapse(ms: number): Promise<void>;
}

/** `create(ttlMs)`: a new, empty store with that time to live. */
export function stateStoreContract(implementation: string, create: (ttlMs: number) => Promise<StoreUnderTest>): void {
  describe(`StateStore contract: ${implementation}`, () => {
    const value = { model: 'o-test', before: 'call', items: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA…–中文' }], n: 1.5, flag: false, none: null };

    it('gives back what was put, by key, as the same JSON value, and nothing for other keys', async () => {
      const { store } = await create(60_000);
      await store.putAll(new Map<string, unknown>([['scope:o-test:call_a', value], ['scope:o-test:call_b', { other: [1, [], {}] }]]));
      const found = await store.getAll(['scope:o-test:call_b', 'scope:o-test:call_missing', 'scope:o-test:call_a']);
      expect(Object.fromEntries(found)).toEqual({ 'scope:o-test:call_a': value, 'scope:o-test:call_b': { other: [1, [], {}] } });
      expect((await store.getAll(['never-written'])).size).toBe(0);
    });

    it('replaces an entry put again under the same key', async () => {
      const { store } = await create(60_000);
      await store.putAll(new Map([['key', { version: 1 }]]));
      await store.putAll(new Map([['key', { version: 2 }]]));
      expect(await store.getAll(['key'])).toEqual(new Map([['key', { version: 2 }]]));
    });

    it('forgets each entry once its time to live has passed since its own write', async () => {
      const { store, elapse } = await create(1000);
      await store.putAll(new Map([['early', 1]]));
      await elapse(600);
      await store.putAll(new Map([['late', 2]]));
      expect([...(await store.getAll(['early', 'late'])).keys()].sort()).toEqual(['early', 'late']);
      await elapse(600);
      expect([...(await store.getAll(['early', 'late'])).keys()]).toEqual(['late']);
      await elapse(600);
      expect((await store.getAll(['early', 'late'])).size).toBe(0);
    });

    it('deletes the keys given, ignoring absent ones, and leaves the others', async () => {
      const { store } = await create(60_000);
      await store.putAll(new Map([['a', 1], ['b', 2], ['c', 3]]));
      await store.deleteAll(['a', 'c', 'absent']);
      expect(Object.fromEntries(await store.getAll(['a', 'b', 'c']))).toEqual({ b: 2 });
    });

    it('takes empty batches', async () => {
      const { store } = await create(60_000);
      await store.putAll(new Map());
      await store.deleteAll([]);
      expect((await store.getAll([])).size).toBe(0);
    });
  });
}
