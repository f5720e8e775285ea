import type { StateStore } from './store.js';

interface Entry<Value> {
  value: Value;
  bytes: number;
  expiresAt: number;
}

/**
 * An in-memory store bounded by total size and age: the oldest entries go first. Values such as
 * encrypted reasoning are large (kilobytes each), so the bound is in bytes, not entries.
 */
export class MemoryStore<Value> implements StateStore<Value> {
  private readonly entries = new Map<string, Entry<Value>>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs: number,
    /** An estimate of a value's size in bytes. */
    private readonly sizeOf: (value: Value) => number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  async putAll(entries: ReadonlyMap<string, Value>): Promise<void> {
    for (const [key, value] of entries) {
      const bytes = key.length + this.sizeOf(value);
      if (bytes > this.maxBytes) continue;
      this.delete(key);
      this.entries.set(key, { value, bytes, expiresAt: this.now() + this.ttlMs });
      this.totalBytes += bytes;
    }
    // Map iteration follows insertion order: the first entries are the oldest.
    for (const [key] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.delete(key);
    }
  }

  async getAll(keys: readonly string[]): Promise<Map<string, Value>> {
    const found = new Map<string, Value>();
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.delete(key);
        continue;
      }
      found.set(key, entry.value);
    }
    return found;
  }

  async deleteAll(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.delete(key);
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
