/** Whole apps (replicas) on a Redis, for the shared-state tests, and the readiness they report. */
import { afterEach } from 'vitest';
import { startHarness, type Harness } from '../http/app-harness.js';

const started: Harness[] = [];

/** Closes every replica the test started (its server, its fake upstream, its Redis connection). */
export function closeReplicasAfterEach(): void {
  afterEach(async () => {
    for (const harness of started.splice(0)) {
      await harness.close();
      await harness.app.close();
    }
  });
}

export async function startReplica(redisUrl: string, env: Record<string, string> = {}): Promise<{ harness: Harness; url: string }> {
  const harness = await startHarness({ REDIS_URL: redisUrl, ...env });
  started.push(harness);
  return { harness, url: await harness.listen() };
}

/** `/readyz` once it reports Redis as `redis` (the connection is made in the background), or as it last was. */
export async function readiness(url: string, redis: string, withinMs = 15_000): Promise<{ status: number; body: unknown }> {
  let last: { status: number; body: unknown } = { status: 0, body: undefined };
  for (const startedAt = Date.now(); Date.now() - startedAt < withinMs; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const reply = await fetch(url.replace(/\/v1$/, '/readyz'));
    last = { status: reply.status, body: await reply.json() };
    if ((last.body as { redis?: string }).redis === redis) return last;
  }
  return last;
}
