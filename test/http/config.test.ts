import { DEFAULT_REASONING_MODELS } from '../../src/config.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: undefined,
      upstreamBaseUrl: 'https://api.openai.com/v1',
      upstreamApiKey: undefined,
      adapterApiKeys: [],
      strictParams: false,
      upstreamTimeoutMs: 600_000,
      streamIdleTimeoutMs: 300_000,
      streamHeartbeatMs: 15_000,
      upstreamRetries: 1,
      maxChoices: 8,
      reasoningContent: true,
      reasoningField: 'reasoning_content',
      reasoningSummary: undefined,
      reasoningContinuity: true,
      reasoningModels: DEFAULT_REASONING_MODELS,
      reasoningCacheBytes: 64 * 1024 * 1024,
      reasoningCacheTtlMs: 3_600_000,
      metrics: true,
      bodyLimitBytes: 25 * 1024 * 1024,
      bodyTimeoutMs: 30_000,
      streamEventLimitBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      modelAliases: new Map(),
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      UPSTREAM_BASE_URL: 'http://relay.internal:8000/openai/v1/',
      UPSTREAM_API_KEY: 'sk-upstream',
      ADAPTER_API_KEYS: ' sk-a , sk-b,,',
      STRICT_PARAMS: 'true',
      UPSTREAM_TIMEOUT_MS: '1500',
      STREAM_IDLE_TIMEOUT_MS: '2500',
      STREAM_HEARTBEAT_MS: '0',
      UPSTREAM_RETRIES: '0',
      MAX_CHOICES: '3',
      REASONING_CONTENT: 'off',
      REASONING_FIELD: 'reasoning',
      REASONING_SUMMARY: 'detailed',
      REASONING_CONTINUITY: 'off',
      REASONING_MODELS: '^my-thinker',
      REASONING_CACHE_MB: '8',
      REASONING_CACHE_TTL_S: '60',
      METRICS: 'off',
      BODY_LIMIT: '1mb',
      BODY_TIMEOUT_MS: '5000',
      STREAM_EVENT_LIMIT: '512kb',
      LOG_LEVEL: 'debug',
      MODEL_ALIASES: 'gpt-4o=gpt-5.2, gpt-4 = gpt-5-pro,',
    });
    expect(config).toEqual({
      port: 9000,
      host: '127.0.0.1',
      upstreamBaseUrl: 'http://relay.internal:8000/openai/v1',
      upstreamApiKey: 'sk-upstream',
      adapterApiKeys: ['sk-a', 'sk-b'],
      strictParams: true,
      upstreamTimeoutMs: 1500,
      streamIdleTimeoutMs: 2500,
      streamHeartbeatMs: 0,
      upstreamRetries: 0,
      maxChoices: 3,
      reasoningContent: false,
      reasoningField: 'reasoning',
      reasoningSummary: 'detailed',
      reasoningContinuity: false,
      reasoningModels: /^my-thinker/i,
      reasoningCacheBytes: 8 * 1024 * 1024,
      reasoningCacheTtlMs: 60_000,
      metrics: false,
      bodyLimitBytes: 1024 * 1024,
      bodyTimeoutMs: 5000,
      streamEventLimitBytes: 512 * 1024,
      logLevel: 'debug',
      modelAliases: new Map([
        ['gpt-4o', 'gpt-5.2'],
        ['gpt-4', 'gpt-5-pro'],
      ]),
    });
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['ON', true],
    ['0', false],
    ['false', false],
    ['', false],
  ])('reads STRICT_PARAMS=%j as %s', (value, expected) => {
    expect(loadConfig({ STRICT_PARAMS: value }).strictParams).toBe(expected);
  });

  it.each([
    [{ ADAPTER_API_KEYS: 'sk-a' }, /ADAPTER_API_KEYS needs UPSTREAM_API_KEY/],
    [{ ADAPTER_API_KEYS: 'sk-a', UPSTREAM_API_KEY: '' }, /ADAPTER_API_KEYS needs UPSTREAM_API_KEY/],
    [{ PORT: 'eighty' }, /PORT must be a non-negative integer, got 'eighty'/],
    [{ UPSTREAM_RETRIES: '-1' }, /UPSTREAM_RETRIES must be a non-negative integer/],
    [{ MAX_CHOICES: '2.5' }, /MAX_CHOICES must be a positive integer/],
    [{ UPSTREAM_BASE_URL: 'api.openai.com/v1' }, /UPSTREAM_BASE_URL is not a URL/],
    [{ UPSTREAM_BASE_URL: 'ftp://example.com/v1' }, /UPSTREAM_BASE_URL must be http or https/],
    [{ UPSTREAM_BASE_URL: 'https://user:sk-secret@relay.example/v1' }, /UPSTREAM_BASE_URL must not contain credentials/],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, /UPSTREAM_TIMEOUT_MS must be a positive integer, got '0'/],
    [{ STREAM_IDLE_TIMEOUT_MS: '0' }, /STREAM_IDLE_TIMEOUT_MS must be a positive integer/],
    [{ BODY_TIMEOUT_MS: '0' }, /BODY_TIMEOUT_MS must be a positive integer/],
    [{ REASONING_FIELD: 'thoughts' }, /REASONING_FIELD must be reasoning_content or reasoning/],
    [{ MODEL_ALIASES: 'gpt-4o' }, /MODEL_ALIASES entries must look like client-model=upstream-model/],
    [{ MODEL_ALIASES: '=gpt-5' }, /MODEL_ALIASES entries must look like client-model=upstream-model/],
    [{ MAX_CHOICES: '0' }, /MAX_CHOICES must be a positive integer/],
    [{ BODY_LIMIT: 'lots' }, /BODY_LIMIT must be a size such as 100kb or 25mb, got 'lots'/],
    [{ BODY_LIMIT: '-1mb' }, /BODY_LIMIT must be a size/],
    [{ STREAM_EVENT_LIMIT: 'huge' }, /STREAM_EVENT_LIMIT must be a size such as 512kb or 16mb, got 'huge'/],
    [{ STREAM_EVENT_LIMIT: '0kb' }, /STREAM_EVENT_LIMIT must be a size/],
    [{ REASONING_SUMMARY: 'verbose' }, /REASONING_SUMMARY must be auto, concise, detailed or off, got 'verbose'/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['512', 512],
    ['100kb', 100 * 1024],
    ['1.5MB', 1.5 * 1024 * 1024],
    ['2 gb', 2 * 1024 ** 3],
  ])('accepts BODY_LIMIT=%s', (limit, bytes) => {
    expect(loadConfig({ BODY_LIMIT: limit }).bodyLimitBytes).toBe(bytes);
  });

  it('accepts ADAPTER_API_KEYS together with UPSTREAM_API_KEY', () => {
    expect(loadConfig({ ADAPTER_API_KEYS: 'sk-a', UPSTREAM_API_KEY: 'sk-upstream' }).adapterApiKeys).toEqual(['sk-a']);
  });
});

/** src/server.ts as a real process with only the given environment (plus PATH). */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, lines, exited };
}

describe('the server process', () => {
  it('exits 1 with a readable message on a bad configuration', async () => {
    const { exited } = startServer({ ADAPTER_API_KEYS: 'sk-a' });
    expect(await exited).toEqual({
      code: 1,
      stderr: 'Configuration error: ADAPTER_API_KEYS needs UPSTREAM_API_KEY: client keys must never be forwarded upstream.\n',
    });
  });

  it('logs the port it listens on, serves /healthz and exits 0 on SIGTERM', async () => {
    const { child, lines, exited } = startServer({ PORT: '0', UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1' });
    let port = 0;
    for await (const line of lines) {
      const entry = JSON.parse(line) as { msg: string; port: number };
      if (entry.msg === 'chat-responses-adapter listening') {
        port = entry.port;
        break;
      }
    }

    expect(port).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });
});
