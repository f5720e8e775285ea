/** Told of every failed state operation: counts it, and warns (rate-limited) that state is lost meanwhile. */
export interface StateFailures {
  failed(store: string, operation: string, error: unknown): void;
}
