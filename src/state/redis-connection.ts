/**
 * The one Redis connection of a process (all stores share it), set up so that Redis being down
 * costs a request nothing but its state: commands fail at once while disconnected (no offline
 * queue that would grow without bound and hold requests), a command gets a short timeout, and the
 * connection is re-made in the background with backoff.
 *
 * ioredis rather than node-redis: it connects and reconnects by itself without an awaited
 * `connect()` (the app starts and serves while Redis is still down), `enableOfflineQueue: false`
 * and `commandTimeout` give exactly the fail-fast behaviour above, and a missing `error` listener
 * is not fatal. Both declare Node >= 20.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StateUnavailableError } from '../errors.js';
import { RateLimitedWarning } from './rate-limited-warning.js';

/** What `/readyz` reports: `connecting` before the first connection, `down` between reconnection attempts. */
export type RedisState = 'connecting' | 'ready' | 'down' | 'closed';

export interface RedisConnectionOptions {
  /** A command not answered within this is failed (the request goes on without state). */
  commandTimeoutMs?: number;
  /** Time allowed to open the connection; commands sent meanwhile at start wait at most this long. */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts. */
  maxReconnectDelayMs?: number;
}

/**
 * ioredis is loaded when the first connection is made: a process without REDIS_URL never pays for
 * it (about 11 MiB of resident memory, which every open stream's share is measured against).
 */
function redisClass(): typeof Redis {
  return (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
}

export class RedisConnection {
  readonly client: Redis;
  private everReady = false;
  private closing = false;
  private readonly firstReady: Promise<void>;
  private readonly connectTimeoutMs: number;
  private readonly errorWarning: RateLimitedWarning;

  constructor(
    url: string,
    private readonly logger: Logger,
    { commandTimeoutMs = 1000, connectTimeoutMs = 2000, maxReconnectDelayMs = 5000 }: RedisConnectionOptions = {},
  ) {
    this.connectTimeoutMs = connectTimeoutMs;
    this.errorWarning = new RateLimitedWarning(logger);
    const address = describeRedisUrl(url);
    const RedisClient = redisClass();
    this.client = new RedisClient(url, {
      enableOfflineQueue: false,
      // A command cut by a disconnect fails; it is not sent again later, when no one waits for it.
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 10), maxReconnectDelayMs),
      connectionName: 'chat-responses-adapter',
    });
    let readyOnce: () => void = () => {};
    this.firstReady = new Promise<void>((resolve) => (readyOnce = resolve));
    this.client.on('ready', () => {
      logger.info({ redis: address }, this.everReady ? 'Redis connection restored: state is shared again' : 'Redis connected');
      this.everReady = true;
      this.errorWarning.reset();
      readyOnce();
    });
    this.client.on('error', (error: NodeJS.ErrnoException) => {
      // The message of a connection error names the address, never the password (it is not in it).
      this.errorWarning.warn({ redis: address, code: error.code, reason: error.message }, 'Redis unavailable: serving without shared state, reconnecting in the background');
    });
    this.client.on('close', () => {
      if (this.everReady && !this.closing) this.errorWarning.warn({ redis: address }, 'Redis connection lost: serving without shared state, reconnecting in the background');
    });
  }

  get state(): RedisState {
    if (this.closing) return 'closed';
    const status = this.client.status;
    if (status === 'ready') return 'ready';
    return this.everReady || status === 'reconnecting' || status === 'end' ? 'down' : 'connecting';
  }

  /**
   * Runs commands; any failure (not connected, timeout, an error reply) is a StateUnavailableError.
   * Only the very first connection is waited for (the first requests after a start), and only as
   * long as it may take; after that, no connection means an immediate failure.
   */
  async run<T>(commands: (client: Redis) => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') {
      if (this.state !== 'connecting') throw new StateUnavailableError(new Error(`Redis is ${this.state}`));
      await waitAtMost(this.firstReady, this.connectTimeoutMs);
      // Read again: the wait may have changed it.
      if ((this.client.status as string) !== 'ready') throw new StateUnavailableError(new Error('Redis is not connected yet'));
    }
    try {
      return await commands(this.client);
    } catch (error) {
      throw new StateUnavailableError(error);
    }
  }

  /** Runs a Lua script by its digest, loading it once per server when Redis does not know it. */
  async script(source: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const digest = scriptDigest(source);
    return this.run(async (client) => {
      try {
        return await client.evalsha(digest, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, keys.length, ...keys, ...args);
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => this.client.disconnect());
    } else {
      this.client.disconnect();
    }
  }
}

const digests = new Map<string, string>();

function scriptDigest(source: string): string {
  let digest = digests.get(source);
  if (digest === undefined) {
    digest = createHash('sha1').update(source).digest('hex');
    digests.set(source, digest);
  }
  return digest;
}

/** `redis://:secret@cache:6379/2` -> `cache:6379/2`: what the log may say about the server. */
export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
