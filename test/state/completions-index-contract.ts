/**
 * The CompletionsIndex contract (src/state/completions-index.ts), one suite run against every
 * implementation. Each test works in scopes of its own, so implementations that share a server
 * between tests stay apart.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CompletionsIndex, CompletionsQuery, StoredCompletion } from '../../src/state/completions-index.js';

const entry = (id: string, created: number, fields: Partial<StoredCompletion> & Record<string, unknown> = {}): StoredCompletion => ({
  id,
  responseId: id.replace('chatcmpl-', ''),
  created,
  model: 'gpt-test',
  metadata: {},
  ...fields,
});

const query = (fields: Partial<CompletionsQuery> = {}): CompletionsQuery => ({ limit: 20, order: 'asc', ...fields });

/** Every id of the scope matching the query, page by page through `after`. */
async function pageThrough(index: CompletionsIndex, scope: string, fields: Partial<CompletionsQuery>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await index.list(scope, query({ ...fields, after }));
    pages += 1;
    ids.push(...page.data.map((found) => found.id));
    if (!page.hasMore) return { ids, pages };
    expect(page.data.length).toBe(fields.limit);
    after = page.data.at(-1)!.id;
  }
}

export function completionsIndexContract(implementation: string, create: () => Promise<CompletionsIndex>): void {
  describe(`CompletionsIndex contract: ${implementation}`, () => {
    const newScope = () => `scope-${randomUUID()}`;

    it('gives back an entry as added, extra fields included, and only in its own scope', async () => {
      const index = await create();
      const scope = newScope();
      const added = entry('chatcmpl-resp_a', 100, { metadata: { team: 'blue' }, extra: { nested: [1, [], {}], note: 'é中' }, empty: [] } as Partial<StoredCompletion>);
      await index.add(scope, added);
      expect(await index.get(scope, 'chatcmpl-resp_a')).toEqual(added);
      const other = newScope();
      expect(await index.get(other, 'chatcmpl-resp_a')).toBeUndefined();
      expect(await index.list(other, query())).toEqual({ data: [], hasMore: false });
      expect(await index.update(other, 'chatcmpl-resp_a', { team: 'red' })).toBeUndefined();
      expect(await index.remove(other, 'chatcmpl-resp_a')).toBe(false);
      expect(await index.get(scope, 'chatcmpl-resp_a')).toEqual(added);
    });

    it('lists by created, then id, both ways, with limit and hasMore', async () => {
      const index = await create();
      const scope = newScope();
      for (const [id, created] of [['chatcmpl-c', 200], ['chatcmpl-b', 100], ['chatcmpl-a', 200], ['chatcmpl-d', 50]] as const) await index.add(scope, entry(id, created));
      const ascending = ['chatcmpl-d', 'chatcmpl-b', 'chatcmpl-a', 'chatcmpl-c'];
      expect((await index.list(scope, query())).data.map((found) => found.id)).toEqual(ascending);
      expect((await index.list(scope, query({ order: 'desc' }))).data.map((found) => found.id)).toEqual([...ascending].reverse());
      const first = await index.list(scope, query({ limit: 3 }));
      expect({ ids: first.data.map((found) => found.id), hasMore: first.hasMore }).toEqual({ ids: ascending.slice(0, 3), hasMore: true });
      const exact = await index.list(scope, query({ limit: 4 }));
      expect(exact.hasMore).toBe(false);
      const after = await index.list(scope, query({ after: 'chatcmpl-b', limit: 1 }));
      expect({ ids: after.data.map((found) => found.id), hasMore: after.hasMore }).toEqual({ ids: ['chatcmpl-a'], hasMore: true });
      const afterDesc = await index.list(scope, query({ after: 'chatcmpl-a', order: 'desc' }));
      expect(afterDesc.data.map((found) => found.id)).toEqual(['chatcmpl-b', 'chatcmpl-d']);
      expect(await index.list(scope, query({ after: 'chatcmpl-unknown' }))).toEqual({ data: [], hasMore: false });
    });

    it('filters by model and by every metadata pair given, across pages', async () => {
      const index = await create();
      const scope = newScope();
      for (let number = 0; number < 30; number++) {
        await index.add(scope, entry(`chatcmpl-${String(number).padStart(2, '0')}`, 1000 + number, {
          model: number % 2 === 0 ? 'gpt-even' : 'gpt-odd',
          metadata: { team: number % 3 === 0 ? 'blue' : 'red', shard: String(number % 5) },
        }));
      }
      const even = await pageThrough(index, scope, { model: 'gpt-even', limit: 4 });
      expect(even.ids).toEqual(Array.from({ length: 15 }, (_, half) => `chatcmpl-${String(half * 2).padStart(2, '0')}`));
      const blueShard0 = await pageThrough(index, scope, { metadata: { team: 'blue', shard: '0' }, limit: 1, order: 'desc' });
      expect(blueShard0.ids).toEqual(['chatcmpl-15', 'chatcmpl-00']);
      const both = await index.list(scope, query({ model: 'gpt-odd', metadata: { team: 'blue' } }));
      expect(both).toMatchObject({ hasMore: false });
      expect(both.data.map((found) => found.id)).toEqual(['chatcmpl-03', 'chatcmpl-09', 'chatcmpl-15', 'chatcmpl-21', 'chatcmpl-27']);
      // The last match fills the page exactly: nothing more matches after it.
      const filled = await index.list(scope, query({ model: 'gpt-odd', metadata: { team: 'blue' }, limit: 5 }));
      expect(filled.hasMore).toBe(false);
      expect((await index.list(scope, query({ model: 'gpt-none' }))).data).toEqual([]);
    });

    it('replaces metadata wholesale on update, keeping the other fields, and lists by the new metadata', async () => {
      const index = await create();
      const scope = newScope();
      await index.add(scope, entry('chatcmpl-a', 1, { metadata: { team: 'blue', keep: 'no' }, extra: 'kept' } as Partial<StoredCompletion>));
      const updated = await index.update(scope, 'chatcmpl-a', { team: 'red' });
      expect(updated).toEqual(entry('chatcmpl-a', 1, { metadata: { team: 'red' }, extra: 'kept' } as Partial<StoredCompletion>));
      expect(await index.get(scope, 'chatcmpl-a')).toEqual(updated);
      expect((await index.list(scope, query({ metadata: { team: 'blue' } }))).data).toEqual([]);
      expect((await index.list(scope, query({ metadata: { team: 'red' } }))).data).toEqual([updated]);
      expect(await index.update(scope, 'chatcmpl-missing', {})).toBeUndefined();
    });

    it('removes an entry once, and an entry added again replaces the old one', async () => {
      const index = await create();
      const scope = newScope();
      await index.add(scope, entry('chatcmpl-a', 1));
      await index.add(scope, entry('chatcmpl-b', 2));
      expect(await index.remove(scope, 'chatcmpl-a')).toBe(true);
      expect(await index.remove(scope, 'chatcmpl-a')).toBe(false);
      expect(await index.get(scope, 'chatcmpl-a')).toBeUndefined();
      await index.add(scope, entry('chatcmpl-b', 0, { model: 'gpt-new' }));
      expect((await index.list(scope, query())).data).toEqual([entry('chatcmpl-b', 0, { model: 'gpt-new' })]);
    });

    it('pages through thousands of entries of one scope, filtered, in order', async () => {
      const index = await create();
      const scope = newScope();
      const total = 3000;
      // A hundred at a time: the machine may be busy with other tests, and each command has a deadline.
      for (let start = 0; start < total; start += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, offset) => start + offset).map((number) =>
            index.add(scope, entry(`chatcmpl-${String(number).padStart(5, '0')}`, 1_700_000_000 + Math.floor(number / 7), { metadata: { rare: number % 250 === 0 ? 'yes' : 'no' } })),
          ),
        );
      }
      const all = await pageThrough(index, scope, { limit: 100, order: 'desc' });
      expect(all.ids).toHaveLength(total);
      expect(all.ids[0]).toBe('chatcmpl-02999');
      expect(all.ids.at(-1)).toBe('chatcmpl-00000');
      expect(new Set(all.ids).size).toBe(total);
      const rare = await pageThrough(index, scope, { metadata: { rare: 'yes' }, limit: 5 });
      expect(rare.ids).toEqual(Array.from({ length: 12 }, (_, number) => `chatcmpl-${String(number * 250).padStart(5, '0')}`));
    });
  });
}
