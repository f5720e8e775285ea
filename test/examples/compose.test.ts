import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT, loadConfig } from '../../src/config.js';

/** examples/compose.yaml: the adapter and Redis, with settings the adapter accepts. */
describe('examples/compose.yaml', () => {
  const compose = parse(readFileSync('examples/compose.yaml', 'utf8')) as {
    services: Record<string, { build?: { context: string }; environment?: Record<string, string>; image?: string; ports?: string[]; stop_grace_period?: string }>;
  };

  it('runs the adapter from this repository and Redis, the adapter pointed at it', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['adapter', 'redis']);
    const { adapter } = compose.services;
    expect(adapter!.build!.context).toBe('..');
    expect(adapter!.ports).toEqual(['8080:8080']);
    expect(adapter!.environment!.REDIS_URL).toBe('redis://redis:6379');
    // The stop timeout leaves room for the grace and the last frames.
    expect(Number(adapter!.stop_grace_period!.replace('s', '')) * 1000).toBeGreaterThan(Number(adapter!.environment!.SHUTDOWN_GRACE_MS));
  });

  it('sets only variables the adapter reads, with values it accepts', () => {
    const environment = compose.services.adapter!.environment!;
    const names = Object.keys(ENVIRONMENT.shape);
    expect(Object.keys(environment).filter((name) => !names.includes(name))).toEqual([]);
    // `${NAME:?message}` and `${NAME:-default}` as Compose fills them in.
    const filled = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{(\w+):[?-]([^}]*)\}/, (_, variable: string, rest: string) => (variable === 'UPSTREAM_API_KEY' ? 'sk-test' : variable === 'ADAPTER_API_KEYS' ? 'key-one' : rest))]),
    );
    expect(loadConfig(filled)).toMatchObject({ redisUrl: 'redis://redis:6379', shutdownGraceMs: 8000, adapterApiKeys: ['key-one'] });
  });
});
