import type { RememberedReasoning } from './replay.js';

/** Where remembered reasoning lives: in memory here; a shared store (Redis) can implement the same. */
export interface ReasoningStore {
  remember(entries: ReadonlyMap<string, RememberedReasoning>): Promise<void>;
  recall(callIds: readonly string[]): Promise<Map<string, RememberedReasoning>>;
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
    for (const [callId, value] of entries) {
      const bytes = sizeOf(value);
      if (bytes > this.maxBytes) continue;
      this.delete(callId);
      this.entries.set(callId, { value, bytes, expiresAt: this.now() + this.ttlMs });
      this.totalBytes += bytes;
    }
    // Map iteration follows insertion order: the first entries are the oldest.
    for (const [callId] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.delete(callId);
    }
  }

  async recall(callIds: readonly string[]): Promise<Map<string, RememberedReasoning>> {
    const found = new Map<string, RememberedReasoning>();
    const now = this.now();
    for (const callId of callIds) {
      const entry = this.entries.get(callId);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.delete(callId);
        continue;
      }
      found.set(callId, entry.value);
    }
    return found;
  }

  private delete(callId: string): void {
    const entry = this.entries.get(callId);
    if (!entry) return;
    this.entries.delete(callId);
    this.totalBytes -= entry.bytes;
  }
}

function sizeOf(value: RememberedReasoning): number {
  let bytes = value.model.length + 64;
  for (const item of value.items) bytes += item.id.length + (item.encrypted_content?.length ?? 0) + JSON.stringify(item.summary).length;
  return bytes;
}
