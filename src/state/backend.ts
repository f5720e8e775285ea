/**
 * Where the adapter's state lives: in this process's memory (no REDIS_URL), or in Redis, shared by
 * every worker and replica (REDIS_URL). The app asks this for its stores and never knows which.
 *
 * Redis being down fails only what cannot be served without it: named stores degrade to "nothing
 * remembered" unless they ask to fail, and the stored-completions index answers with a 503. Each
 * failure is counted (`chat_adapter_state_errors_total{store,operation}`) and warned of, at most
 * once per 30 s per store.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { StateUnavailableError } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import { sizeOfReasoning, type RememberedReasoning } from '../reasoning/replay.js';
import type { CompletionsIndex } from './completions-index.js';
import { DegradingStore, ReportingStore } from './degrading-store.js';
import { MemoryCompletionsIndex } from './memory-completions-index.js';
import { MemoryStore } from './memory-store.js';
import { RateLimitedWarning } from './rate-limited-warning.js';
import { RedisCompletionsIndex } from './redis-completions-index.js';
import { RedisConnection, type RedisConnectionOptions, type RedisState } from './redis-connection.js';
import { RedisStore } from './redis-store.js';
import { ReportingCompletionsIndex } from './reporting-completions-index.js';
import type { StateFailures } from './state-failures.js';
import type { StateStore } from './store.js';

export interface NamedStoreOptions<Value> {
  /** Each entry expires this long after it was written. */
  ttlMs: number;
  /** The in-memory bound; in Redis a single value over it is skipped (Redis's `maxmemory` bounds the rest). */
  maxBytes: number;
  sizeOf: (value: Value) => number;
  /**
   * `degrade` (default): while the store is unavailable, reads find nothing and writes are skipped.
   * `fail`: operations throw StateUnavailableError (a 503 for the request).
   */
  whenUnavailable?: 'degrade' | 'fail';
}

export type StateStatus = { backend: 'memory' } | { backend: 'redis'; redis: RedisState };

export interface StateBackend {
  /** Remembered reasoning (REASONING_CACHE_MB, REASONING_CACHE_TTL_S), keyed `cra:reasoning:` in Redis. */
  readonly reasoning: StateStore<RememberedReasoning>;
  /** The stored-completions index (`store: true`). */
  readonly completions: CompletionsIndex;
  /** Another store, keyed `cra:<name>:` in Redis; `name` is lower case letters, digits and dashes. */
  store<Value>(name: string, options: NamedStoreOptions<Value>): StateStore<Value>;
  status(): StateStatus;
  close(): Promise<void>;
}

export type StateConfig = Pick<Config, 'redisUrl' | 'reasoningCacheBytes' | 'reasoningCacheTtlMs'>;

export function createStateBackend(config: StateConfig, logger: Logger, metrics: AdapterMetrics, redisOptions?: RedisConnectionOptions): StateBackend {
  return config.redisUrl === undefined ? memoryBackend(config) : redisBackend(config, config.redisUrl, logger, metrics, redisOptions);
}

const STORE_NAME = /^[a-z][a-z0-9-]*$/;

function checkName(name: string): void {
  if (!STORE_NAME.test(name) || name === 'completions') throw new Error(`Invalid state store name '${name}'.`);
}

function memoryBackend(config: StateConfig): StateBackend {
  return {
    reasoning: new MemoryStore(config.reasoningCacheBytes, config.reasoningCacheTtlMs, sizeOfReasoning),
    completions: new MemoryCompletionsIndex(),
    store<Value>(name: string, options: NamedStoreOptions<Value>): StateStore<Value> {
      checkName(name);
      return new MemoryStore(options.maxBytes, options.ttlMs, options.sizeOf);
    },
    status: () => ({ backend: 'memory' }),
    close: async () => {},
  };
}

function redisBackend(config: StateConfig, url: string, logger: Logger, metrics: AdapterMetrics, redisOptions?: RedisConnectionOptions): StateBackend {
  const connection = new RedisConnection(url, logger, redisOptions);
  const warnings = new Map<string, RateLimitedWarning>();
  const failures: StateFailures = {
    failed(store, operation, error) {
      metrics.countStateError(store, operation);
      let warning = warnings.get(store);
      if (!warning) {
        warning = new RateLimitedWarning(logger);
        warnings.set(store, warning);
      }
      const cause = error instanceof StateUnavailableError && error.cause instanceof Error ? error.cause.message : String(error);
      const effect = store === 'completions' ? 'stored-completion requests get a 503' : store === 'reasoning' ? 'reasoning continuity is off meanwhile' : 'its state is not kept meanwhile';
      warning.warn({ store, operation, reason: cause }, `state store '${store}' unavailable (Redis): ${effect}`);
    },
  };
  const named = <Value>(name: string, options: NamedStoreOptions<Value>): StateStore<Value> => {
    const store = new RedisStore(connection, name, options.ttlMs, options.maxBytes, options.sizeOf);
    return options.whenUnavailable === 'fail' ? new ReportingStore(store, name, failures) : new DegradingStore(store, name, failures);
  };
  return {
    reasoning: named('reasoning', { ttlMs: config.reasoningCacheTtlMs, maxBytes: config.reasoningCacheBytes, sizeOf: sizeOfReasoning }),
    completions: new ReportingCompletionsIndex(new RedisCompletionsIndex(connection), failures),
    store<Value>(name: string, options: NamedStoreOptions<Value>): StateStore<Value> {
      checkName(name);
      return named(name, options);
    },
    status: () => ({ backend: 'redis', redis: connection.state }),
    close: () => connection.close(),
  };
}
