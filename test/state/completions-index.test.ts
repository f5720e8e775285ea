import pino from 'pino';
import { afterAll } from 'vitest';
import { MemoryCompletionsIndex } from '../../src/state/memory-completions-index.js';
import { RedisCompletionsIndex } from '../../src/state/redis-completions-index.js';
import { RedisConnection } from '../../src/state/redis-connection.js';
import { sharedRedisUrl } from '../helpers/redis-server.js';
import { completionsIndexContract } from './completions-index-contract.js';

let connection: RedisConnection | undefined;
afterAll(async () => {
  await connection?.close();
});

completionsIndexContract('MemoryCompletionsIndex', async () => new MemoryCompletionsIndex());
completionsIndexContract('RedisCompletionsIndex', async () => new RedisCompletionsIndex((connection ??= new RedisConnection(sharedRedisUrl(), pino({ level: 'silent' })))));
