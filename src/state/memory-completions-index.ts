import { compareStored, matchesQuery, type CompletionsIndex, type CompletionsPage, type CompletionsQuery, type StoredCompletion } from './completions-index.js';

/**
 * The stored-completions index of one process, bounded: past `maxEntries` the oldest entries of all
 * scopes are forgotten first (their Responses stay upstream; they are no longer listed or served).
 */
export class MemoryCompletionsIndex implements CompletionsIndex {
  /** scope -> id -> entry; insertion order of `order` is the age order across scopes. */
  private readonly scopes = new Map<string, Map<string, StoredCompletion>>();
  private readonly order = new Map<string, string>();

  constructor(private readonly maxEntries = 100_000) {}

  async add(scope: string, entry: StoredCompletion): Promise<void> {
    const entries = this.scopes.get(scope) ?? new Map<string, StoredCompletion>();
    this.scopes.set(scope, entries);
    entries.set(entry.id, { ...entry, metadata: { ...entry.metadata } });
    const orderKey = `${scope}\0${entry.id}`;
    this.order.delete(orderKey);
    this.order.set(orderKey, scope);
    for (const [key, oldScope] of this.order) {
      if (this.order.size <= this.maxEntries) break;
      this.order.delete(key);
      this.forget(oldScope, key.slice(oldScope.length + 1));
    }
  }

  async get(scope: string, id: string): Promise<StoredCompletion | undefined> {
    const entry = this.scopes.get(scope)?.get(id);
    return entry && { ...entry, metadata: { ...entry.metadata } };
  }

  async update(scope: string, id: string, metadata: Record<string, string>): Promise<StoredCompletion | undefined> {
    const entry = this.scopes.get(scope)?.get(id);
    if (!entry) return undefined;
    entry.metadata = { ...metadata };
    return { ...entry, metadata: { ...entry.metadata } };
  }

  async remove(scope: string, id: string): Promise<boolean> {
    this.order.delete(`${scope}\0${id}`);
    return this.forget(scope, id);
  }

  async list(scope: string, query: CompletionsQuery): Promise<CompletionsPage> {
    const all = [...(this.scopes.get(scope)?.values() ?? [])].sort(compareStored);
    if (query.order === 'desc') all.reverse();
    let start = 0;
    if (query.after !== undefined) {
      const at = all.findIndex((entry) => entry.id === query.after);
      if (at < 0) return { data: [], hasMore: false };
      start = at + 1;
    }
    const data: StoredCompletion[] = [];
    let hasMore = false;
    for (let index = start; index < all.length; index += 1) {
      const entry = all[index]!;
      if (!matchesQuery(entry, query)) continue;
      if (data.length === query.limit) {
        hasMore = true;
        break;
      }
      data.push({ ...entry, metadata: { ...entry.metadata } });
    }
    return { data, hasMore };
  }

  private forget(scope: string, id: string): boolean {
    const entries = this.scopes.get(scope);
    if (!entries?.delete(id)) return false;
    if (entries.size === 0) this.scopes.delete(scope);
    return true;
  }
}
