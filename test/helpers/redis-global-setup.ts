/**
 * vitest globalSetup: the Redis the Redis tests share. TEST_REDIS_URL when set (`.ci/run` sets it);
 * otherwise a redis-server started here on a free port when the binary is installed, stopped at the
 * end. With neither, the Redis tests fail and say how to get Redis (they are never skipped).
 */
import type { TestProject } from 'vitest/node';
import { redisServerInstalled, startRedisServer, type RedisServer } from './redis-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: RedisServer | undefined;
  let url = process.env.TEST_REDIS_URL ?? '';
  if (url === '' && redisServerInstalled()) {
    server = await startRedisServer();
    url = server.url;
  }
  project.provide('redisUrl', url);
  return async () => {
    await server?.stop();
  };
}
