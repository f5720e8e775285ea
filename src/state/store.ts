/**
 * Shared state the adapter keeps between requests (remembered reasoning, background runs in
 * flight): a key-value store whose entries expire, bounded in bytes. In memory by default; a shared
 * store (Redis) implements the same for several replicas. Keys are built by the owner of the state
 * and never hold a secret in clear. Values are plain JSON data (a shared store serialises them).
 */
export interface StateStore<Value> {
  /** Stores each entry, replacing one of the same key; it expires after the store's time to live. */
  putAll(entries: ReadonlyMap<string, Value>): Promise<void>;
  /** The entries found and not expired, by key. */
  getAll(keys: readonly string[]): Promise<Map<string, Value>>;
  /** Removes the entries (absent keys are ignored). */
  deleteAll(keys: readonly string[]): Promise<void>;
}
