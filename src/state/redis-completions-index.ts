import { matchesQuery, type CompletionsIndex, type CompletionsPage, type CompletionsQuery, type StoredCompletion } from './completions-index.js';
import type { RedisConnection } from './redis-connection.js';
import { ADD_SCRIPT, PAGE_SCRIPT, REMOVE_SCRIPT, UPDATE_SCRIPT } from './redis-completions-scripts.js';

export interface RedisCompletionsIndexOptions {
  /** Most entries kept per scope; past it the oldest go (their Responses stay upstream). */
  maxEntriesPerScope?: number;
  /** A scope's index expires this long after its last new entry (the upstream keeps Responses 30 days). */
  ttlMs?: number;
}

/** Candidates read per round trip when filters may skip some (a plain page reads exactly what it needs). */
const FILTERED_BATCH = 200;

/**
 * The stored-completions index in Redis, shared by replicas. Per scope, two keys in one hash slot:
 * `cra:completions:{<scope>}:order`, a sorted set giving the list order, and
 * `cra:completions:{<scope>}:data`, a hash of each entry's JSON as given (extra fields kept) and
 * of its current metadata. A page is one script call per batch of candidates (rank of `after`,
 * range, entries), filtered here; no KEYS or SCAN. Scopes are caller hashes, never keys.
 */
export class RedisCompletionsIndex implements CompletionsIndex {
  private readonly maxEntriesPerScope: number;
  private readonly ttlMs: number;

  constructor(
    private readonly connection: RedisConnection,
    { maxEntriesPerScope = 100_000, ttlMs = 30 * 24 * 3600 * 1000 }: RedisCompletionsIndexOptions = {},
  ) {
    this.maxEntriesPerScope = maxEntriesPerScope;
    this.ttlMs = ttlMs;
  }

  async add(scope: string, entry: StoredCompletion): Promise<void> {
    await this.connection.script(ADD_SCRIPT, keysOf(scope), [
      entry.id,
      entry.created,
      JSON.stringify(entry),
      JSON.stringify(entry.metadata),
      this.maxEntriesPerScope,
      this.ttlMs,
    ]);
  }

  async get(scope: string, id: string): Promise<StoredCompletion | undefined> {
    const [, data] = keysOf(scope);
    const [entry, metadata] = await this.connection.run((client) => client.hmget(data, `e:${id}`, `m:${id}`));
    return entry ? parseEntry(entry, metadata ?? '') : undefined;
  }

  async update(scope: string, id: string, metadata: Record<string, string>): Promise<StoredCompletion | undefined> {
    const metadataJson = JSON.stringify(metadata);
    const entry = await this.connection.script(UPDATE_SCRIPT, keysOf(scope), [id, metadataJson]);
    return typeof entry === 'string' ? parseEntry(entry, metadataJson) : undefined;
  }

  async remove(scope: string, id: string): Promise<boolean> {
    return (await this.connection.script(REMOVE_SCRIPT, keysOf(scope), [id])) === 1;
  }

  async list(scope: string, query: CompletionsQuery): Promise<CompletionsPage> {
    const filtered = query.model !== undefined || (query.metadata !== undefined && Object.keys(query.metadata).length > 0);
    const batch = filtered ? Math.max(FILTERED_BATCH, query.limit + 1) : query.limit + 1;
    const data: StoredCompletion[] = [];
    let after = query.after ?? '';
    for (;;) {
      const reply = await this.connection.script(PAGE_SCRIPT, keysOf(scope), [after, batch, query.order === 'desc' ? '1' : '0']);
      // Nil: `after` is not in the scope (or the last candidate was removed meanwhile).
      if (!Array.isArray(reply)) return { data, hasMore: false };
      const candidates = reply as string[];
      for (let index = 0; index < candidates.length; index += 3) {
        after = candidates[index]!;
        const json = candidates[index + 1]!;
        if (json === '') continue;
        const entry = parseEntry(json, candidates[index + 2]!);
        if (!entry || !matchesQuery(entry, query)) continue;
        if (data.length === query.limit) return { data, hasMore: true };
        data.push(entry);
      }
      if (candidates.length < batch * 3) return { data, hasMore: false };
    }
  }
}

function keysOf(scope: string): [string, string] {
  return [`cra:completions:{${scope}}:order`, `cra:completions:{${scope}}:data`];
}

/** An entry as written, with its current metadata; undefined for JSON this index did not write. */
function parseEntry(entryJson: string, metadataJson: string): StoredCompletion | undefined {
  try {
    const entry = JSON.parse(entryJson) as StoredCompletion;
    if (metadataJson !== '') entry.metadata = JSON.parse(metadataJson) as Record<string, string>;
    return entry;
  } catch {
    return undefined;
  }
}
