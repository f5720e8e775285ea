import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT, loadConfig } from '../../src/config.js';

/** examples/compose.yaml: two adapter replicas sharing one Redis, behind one nginx address. */
describe('examples/compose.yaml', () => {
  type Service = {
    build?: { context: string };
    environment?: Record<string, string>;
    image?: string;
    ports?: string[];
    stop_grace_period?: string;
    volumes?: string[];
    command?: string[];
    depends_on?: string[];
  };
  // Compose resolves YAML merge keys and aliases (`*adapter`), so the test does too.
  const compose = parse(readFileSync('examples/compose.yaml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const replicas = ['adapter-1', 'adapter-2'] as const;

  it('runs two replicas of the adapter from this repository on one Redis, and one balancer in front', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['adapter-1', 'adapter-2', 'balancer', 'redis']);
    for (const name of replicas) {
      const replica = compose.services[name]!;
      expect(replica.build!.context).toBe('..');
      // Reached only through the balancer.
      expect(replica.ports).toBeUndefined();
      expect(replica.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(replica.depends_on).toContain('redis');
      // The stop timeout leaves room for the grace and the last frames.
      expect(Number(replica.stop_grace_period!.replace('s', '')) * 1000).toBeGreaterThan(Number(replica.environment!.SHUTDOWN_GRACE_MS));
    }
    expect(compose.services['adapter-1']!.environment).toEqual(compose.services['adapter-2']!.environment);
    const { balancer, redis } = compose.services;
    expect(balancer!.ports).toEqual(['8080:8080']);
    expect(balancer!.depends_on!.sort()).toEqual([...replicas]);
    expect(balancer!.volumes).toEqual(['./balancer.conf:/etc/nginx/conf.d/default.conf:ro']);
    // Bounded, oldest out first: the adapter leaves the memory bound to Redis.
    expect(redis!.command).toEqual(expect.arrayContaining(['--maxmemory', '--maxmemory-policy', 'allkeys-lru']));
  });

  it('balances over both replicas, streaming as it comes and waiting as long as a reasoning model may think', () => {
    const conf = readFileSync('examples/balancer.conf', 'utf8');
    const upstream = /upstream adapters \{([^}]*)\}/.exec(conf)![1]!;
    expect([...upstream.matchAll(/server (\S+)/g)].map((match) => match[1])).toEqual(['adapter-1:8080', 'adapter-2:8080']);
    expect(conf).toMatch(/listen 8080;/);
    expect(conf).toMatch(/proxy_pass http:\/\/adapters;/);
    expect(conf).toMatch(/proxy_buffering off;/);
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(conf)![1]);
    expect(readTimeout * 1000).toBeGreaterThan(loadConfig({}).upstreamTimeoutMs);
    // Never resent after a timeout: the first replica may still be running that request upstream.
    expect(/proxy_next_upstream ([^;]*);/.exec(conf)![1]!.split(' ')).not.toContain('timeout');
  });

  it('sets only variables the adapter reads, with values it accepts', () => {
    const environment = compose.services['adapter-1']!.environment!;
    const names = Object.keys(ENVIRONMENT.shape);
    expect(Object.keys(environment).filter((name) => !names.includes(name))).toEqual([]);
    // `${NAME:?message}` and `${NAME:-default}` as Compose fills them in.
    const filled = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{(\w+):[?-]([^}]*)\}/, (_, variable: string, rest: string) => (variable === 'UPSTREAM_API_KEY' ? 'sk-test' : variable === 'ADAPTER_API_KEYS' ? 'key-one' : rest))]),
    );
    expect(loadConfig(filled)).toMatchObject({ redisUrl: 'redis://redis:6379', shutdownGraceMs: 8000, adapterApiKeys: ['key-one'] });
  });
});
