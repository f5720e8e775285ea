import type { RememberedReasoning } from './replay.js';

/**
 * Where remembered reasoning lives, by key (caller scope, model and tool call id: see
 * continuity.ts): in memory here; a shared store (Redis) can implement the same.
 */
export interface ReasoningStore {
  remember(entries: ReadonlyMap<string, RememberedReasoning>): Promise<void>;
  recall(keys: readonly string[]): Promise<Map<string, RememberedReasoning>>;
}

interface Entry {
  value: RememberedReasoning;
  bytes: number;
  expiresAt: number;
}

/**
 * An in-memory store bounded by total size and age: the oldest entries go first. Encrypted
 * reasoning is large (kilobytes per item), so the bound is in bytes, not entries.
 */
export class MemoryReasoningStore implements ReasoningStore {
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  async remember(entries: ReadonlyMap<string, RememberedReasoning>): Promise<void> {
    for (const [key, value] of entries) {
      const bytes = key.length + sizeOf(value);
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

  async recall(keys: readonly string[]): Promise<Map<string, RememberedReasoning>> {
    const found = new Map<string, RememberedReasoning>();
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

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}

function sizeOf(value: RememberedReasoning): number {
  let bytes = value.model.length + 64;
  for (const item of value.items) bytes += item.id.length + (item.encrypted_content?.length ?? 0) + JSON.stringify(item.summary).length;
  return bytes;
}
