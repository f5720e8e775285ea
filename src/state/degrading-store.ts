import type { StateFailures } from './state-failures.js';
import type { StateStore } from './store.js';

/**
 * A store whose failures cost nothing but the state: a read that fails finds nothing, a write or
 * delete that fails is skipped, and each failure is reported. Reasoning continuity over it becomes
 * "no memory" while Redis is down, and requests are served as without continuity.
 */
export class DegradingStore<Value> implements StateStore<Value> {
  constructor(
    private readonly inner: StateStore<Value>,
    private readonly name: string,
    private readonly failures: StateFailures,
  ) {}

  async putAll(entries: ReadonlyMap<string, Value>): Promise<void> {
    try {
      await this.inner.putAll(entries);
    } catch (error) {
      this.failures.failed(this.name, 'put', error);
    }
  }

  async getAll(keys: readonly string[]): Promise<Map<string, Value>> {
    try {
      return await this.inner.getAll(keys);
    } catch (error) {
      this.failures.failed(this.name, 'get', error);
      return new Map();
    }
  }

  async deleteAll(keys: readonly string[]): Promise<void> {
    try {
      await this.inner.deleteAll(keys);
    } catch (error) {
      this.failures.failed(this.name, 'delete', error);
    }
  }
}

/** A store whose failures are reported and passed on (a 503 for the request that needs it). */
export class ReportingStore<Value> implements StateStore<Value> {
  constructor(
    private readonly inner: StateStore<Value>,
    private readonly name: string,
    private readonly failures: StateFailures,
  ) {}

  putAll(entries: ReadonlyMap<string, Value>): Promise<void> {
    return reported(this.inner.putAll(entries), this.failures, this.name, 'put');
  }

  getAll(keys: readonly string[]): Promise<Map<string, Value>> {
    return reported(this.inner.getAll(keys), this.failures, this.name, 'get');
  }

  deleteAll(keys: readonly string[]): Promise<void> {
    return reported(this.inner.deleteAll(keys), this.failures, this.name, 'delete');
  }
}

export async function reported<T>(operation: Promise<T>, failures: StateFailures, store: string, name: string): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    failures.failed(store, name, error);
    throw error;
  }
}
