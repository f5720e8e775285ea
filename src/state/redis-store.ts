import type { RedisConnection } from './redis-connection.js';
import type { StateStore } from './store.js';

/**
 * A StateStore in Redis, shared by every process and replica on the same server: each entry is one
 * string key `cra:<store name>:<key>` holding the value as JSON, with the store's time to live set
 * on write (Redis expires it; no sweep). `getAll` is one MGET. The byte bound of the in-memory
 * store is Redis's own (`maxmemory` with an eviction policy); a single value over `maxBytes` is
 * skipped, as in memory. Failures are StateUnavailableError (see redis-connection.ts).
 */
export class RedisStore<Value> implements StateStore<Value> {
  private readonly prefix: string;

  constructor(
    private readonly connection: RedisConnection,
    name: string,
    private readonly ttlMs: number,
    private readonly maxBytes = Infinity,
    private readonly sizeOf: (value: Value) => number = () => 0,
  ) {
    this.prefix = `cra:${name}:`;
  }

  async putAll(entries: ReadonlyMap<string, Value>): Promise<void> {
    const writes: Array<[string, string]> = [];
    for (const [key, value] of entries) {
      if (key.length + this.sizeOf(value) > this.maxBytes) continue;
      writes.push([this.prefix + key, JSON.stringify(value)]);
    }
    if (writes.length === 0) return;
    await this.connection.run(async (client) => {
      const transaction = client.multi();
      for (const [key, json] of writes) transaction.set(key, json, 'PX', this.ttlMs);
      throwFirstError(await transaction.exec());
    });
  }

  async getAll(keys: readonly string[]): Promise<Map<string, Value>> {
    const found = new Map<string, Value>();
    if (keys.length === 0) return found;
    const values = await this.connection.run((client) => client.mget(keys.map((key) => this.prefix + key)));
    keys.forEach((key, index) => {
      const json = values[index];
      if (typeof json !== 'string') return;
      try {
        found.set(key, JSON.parse(json) as Value);
      } catch {
        // Not written by this store (or cut): as good as absent.
      }
    });
    return found;
  }

  async deleteAll(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.connection.run((client) => client.unlink(...keys.map((key) => this.prefix + key)));
  }
}

/** A MULTI's replies: `[error, result]` per command, or null when the transaction was discarded. */
export function throwFirstError(replies: Array<[Error | null, unknown]> | null): unknown[] {
  if (replies === null) throw new Error('the Redis transaction was discarded');
  return replies.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}
