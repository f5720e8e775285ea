import { DEFAULT_BACKGROUND_MODELS, DEFAULT_REASONING_MODELS } from '../../src/config.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../src/config.js';

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
      background: 'auto',
      backgroundModels: DEFAULT_BACKGROUND_MODELS,
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
      shutdownGraceMs: 8000,
      redisUrl: undefined,
      workers: 1,
      captureFile: undefined,
      captureSample: 1,
      captureRedact: 'none',
      captureMaxBytes: 100 * 1024 * 1024,
      shadowChatBaseUrl: undefined,
      shadowChatApiKey: undefined,
      shadowSample: 0.1,
      shadowConcurrency: 4,
      shadowFile: 'shadow.jsonl',
      bodyLimitBytes: 25 * 1024 * 1024,
      bodyTimeoutMs: 30_000,
      streamEventLimitBytes: 16 * 1024 * 1024,
      logLevel: 'info',
      modelAliases: new Map(),
      adapterAuth: 'keys',
      passthroughRoutes: 'all',
      passthroughDeny: [],
      corsOrigins: [],
      maxConcurrentUpstream: 256,
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
      BACKGROUND: 'on',
      BACKGROUND_MODELS: 'deep-research',
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
      SHUTDOWN_GRACE_MS: '2000',
      REDIS_URL: 'redis://redis:6379/0',
      WORKERS: '4',
      CAPTURE_FILE: '/var/log/chat-capture.jsonl',
      CAPTURE_SAMPLE: '0.25',
      CAPTURE_REDACT: 'content',
      CAPTURE_MAX_MB: '5',
      SHADOW_CHAT_BASE_URL: 'https://api.openai.com/v1/',
      SHADOW_CHAT_API_KEY: 'sk-shadow',
      SHADOW_SAMPLE: '0.5',
      SHADOW_CONCURRENCY: '2',
      SHADOW_FILE: '/var/log/shadow.jsonl',
      BODY_LIMIT: '1mb',
      BODY_TIMEOUT_MS: '5000',
      STREAM_EVENT_LIMIT: '512kb',
      LOG_LEVEL: 'debug',
      MODEL_ALIASES: 'gpt-4o=gpt-5.2, gpt-4 = gpt-5-pro,',
      ADAPTER_AUTH: 'keys',
      PASSTHROUGH_ROUTES: '/v1/embeddings, /v1/Vector_Stores/',
      PASSTHROUGH_DENY: '/v1/files',
      CORS_ORIGINS: 'https://Chat.Example.com, http://localhost:5173/',
      MAX_CONCURRENT_UPSTREAM: '32',
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
      background: 'on',
      backgroundModels: /deep-research/i,
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
      shutdownGraceMs: 2000,
      redisUrl: 'redis://redis:6379/0',
      workers: 4,
      captureFile: '/var/log/chat-capture.jsonl',
      captureSample: 0.25,
      captureRedact: 'content',
      captureMaxBytes: 5 * 1024 * 1024,
      shadowChatBaseUrl: 'https://api.openai.com/v1',
      shadowChatApiKey: 'sk-shadow',
      shadowSample: 0.5,
      shadowConcurrency: 2,
      shadowFile: '/var/log/shadow.jsonl',
      bodyLimitBytes: 1024 * 1024,
      bodyTimeoutMs: 5000,
      streamEventLimitBytes: 512 * 1024,
      logLevel: 'debug',
      modelAliases: new Map([
        ['gpt-4o', 'gpt-5.2'],
        ['gpt-4', 'gpt-5-pro'],
      ]),
      adapterAuth: 'keys',
      passthroughRoutes: [['embeddings'], ['vector_stores']],
      passthroughDeny: [['files']],
      corsOrigins: ['https://chat.example.com', 'http://localhost:5173'],
      maxConcurrentUpstream: 32,
    });
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['ON', true],
    ['True', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['Off', false],
    ['', false],
    [' ', false],
  ])('reads STRICT_PARAMS=%j as %s', (value, expected) => {
    expect(loadConfig({ STRICT_PARAMS: value }).strictParams).toBe(expected);
  });

  it('takes the default for an empty flag that is on by default (METRICS= keeps metrics on)', () => {
    expect(loadConfig({ METRICS: '', REASONING_CONTENT: '', REASONING_CONTINUITY: '' })).toMatchObject({
      metrics: true,
      reasoningContent: true,
      reasoningContinuity: true,
    });
  });

  it.each([
    [{ ADAPTER_API_KEYS: 'sk-a' }, 'ADAPTER_API_KEYS needs UPSTREAM_API_KEY: client keys must never be forwarded upstream.'],
    [{ ADAPTER_API_KEYS: 'sk-a', UPSTREAM_API_KEY: '' }, 'ADAPTER_API_KEYS needs UPSTREAM_API_KEY: client keys must never be forwarded upstream.'],
    [{ PORT: '99999' }, "PORT must be a port number 0-65535, e.g. PORT=8080 (got '99999')."],
    [{ PORT: 'eighty' }, "PORT must be a port number 0-65535, e.g. PORT=8080 (got 'eighty')."],
    [{ PORT: '-1' }, "PORT must be a port number 0-65535, e.g. PORT=8080 (got '-1')."],
    [{ HOST: 'http://localhost' }, "HOST must be an IP address or host name to bind, without scheme, brackets or port, e.g. HOST=127.0.0.1 (got 'http://localhost')."],
    [{ HOST: '[::1]' }, "HOST must be an IP address or host name to bind, without scheme, brackets or port, e.g. HOST=127.0.0.1 (got '[::1]')."],
    [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent, e.g. LOG_LEVEL=debug (got 'verbose')."],
    [{ METRICS: 'enabled' }, "METRICS must be one of 1, 0, true, false, yes, no, on, off, e.g. METRICS=off (got 'enabled')."],
    [{ STRICT_PARAMS: 'strict' }, "STRICT_PARAMS must be one of 1, 0, true, false, yes, no, on, off, e.g. STRICT_PARAMS=1 (got 'strict')."],
    [{ MODEL_ALIASES: 'a=b=c' }, "MODEL_ALIASES must be comma-separated client-model=upstream-model pairs (one = in each), not 'a=b=c', e.g. MODEL_ALIASES=gpt-4o=gpt-5-mini."],
    [{ MODEL_ALIASES: 'gpt-4o' }, "MODEL_ALIASES must be comma-separated client-model=upstream-model pairs (one = in each), not 'gpt-4o', e.g. MODEL_ALIASES=gpt-4o=gpt-5-mini."],
    [{ MODEL_ALIASES: '=gpt-5' }, "MODEL_ALIASES must be comma-separated client-model=upstream-model pairs (one = in each), not '=gpt-5', e.g. MODEL_ALIASES=gpt-4o=gpt-5-mini."],
    [{ MODEL_ALIASES: 'a=b,a=c' }, 'MODEL_ALIASES names a twice, e.g. MODEL_ALIASES=gpt-4o=gpt-5-mini.'],
    [{ UPSTREAM_RETRIES: '-1' }, "UPSTREAM_RETRIES must be a whole number, 0 or more, e.g. UPSTREAM_RETRIES=1 (got '-1')."],
    [{ MAX_CHOICES: '2.5' }, "MAX_CHOICES must be a whole number 1-128, e.g. MAX_CHOICES=8 (got '2.5')."],
    [{ MAX_CHOICES: '0' }, "MAX_CHOICES must be a whole number 1-128, e.g. MAX_CHOICES=8 (got '0')."],
    [{ UPSTREAM_BASE_URL: 'api.openai.com/v1' }, 'UPSTREAM_BASE_URL must be an http or https URL (it is not a URL), e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.'],
    [{ UPSTREAM_BASE_URL: 'ftp://example.com/v1' }, 'UPSTREAM_BASE_URL must be an http or https URL, not ftp, e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.'],
    [{ UPSTREAM_BASE_URL: 'https://user:sk-secret@relay.example/v1' }, 'UPSTREAM_BASE_URL must not contain credentials; set UPSTREAM_API_KEY instead, e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.'],
    [{ UPSTREAM_BASE_URL: 'https://relay.example/v1?key=sk-secret' }, 'UPSTREAM_BASE_URL must have no query or fragment, e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.'],
    [{ UPSTREAM_API_KEY: 'sk-one sk-two' }, 'UPSTREAM_API_KEY must be one key without spaces or control characters, e.g. UPSTREAM_API_KEY=sk-your-key.'],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, "UPSTREAM_TIMEOUT_MS must be a whole number, 1 or more, e.g. UPSTREAM_TIMEOUT_MS=600000 (got '0')."],
    [{ STREAM_IDLE_TIMEOUT_MS: '0' }, "STREAM_IDLE_TIMEOUT_MS must be a whole number, 1 or more, e.g. STREAM_IDLE_TIMEOUT_MS=300000 (got '0')."],
    [{ BODY_TIMEOUT_MS: '0' }, "BODY_TIMEOUT_MS must be a whole number, 1 or more, e.g. BODY_TIMEOUT_MS=30000 (got '0')."],
    [{ SHUTDOWN_GRACE_MS: '8s' }, "SHUTDOWN_GRACE_MS must be a whole number, 0 or more, e.g. SHUTDOWN_GRACE_MS=8000 (got '8s')."],
    [{ REASONING_FIELD: 'thoughts' }, "REASONING_FIELD must be one of reasoning_content or reasoning, e.g. REASONING_FIELD=reasoning (got 'thoughts')."],
    [{ REASONING_SUMMARY: 'verbose' }, "REASONING_SUMMARY must be one of auto, concise, detailed or off, e.g. REASONING_SUMMARY=auto (got 'verbose')."],
    [{ REASONING_MODELS: '(' }, "REASONING_MODELS must be a regular expression, e.g. REASONING_MODELS=^(o\\d|gpt-5) (got '(')."],
    [{ BODY_LIMIT: 'lots' }, "BODY_LIMIT must be a size in b, kb, mb or gb, e.g. BODY_LIMIT=25mb (got 'lots')."],
    [{ BODY_LIMIT: '-1mb' }, "BODY_LIMIT must be a size in b, kb, mb or gb, e.g. BODY_LIMIT=25mb (got '-1mb')."],
    [{ STREAM_EVENT_LIMIT: '0kb' }, "STREAM_EVENT_LIMIT must be a size in b, kb, mb or gb, e.g. STREAM_EVENT_LIMIT=16mb (got '0kb')."],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL, e.g. REDIS_URL=redis://redis:6379.'],
    [{ WORKERS: '0' }, "WORKERS must be a whole number 1-256, e.g. WORKERS=1 (got '0')."],
    [{ CAPTURE_SAMPLE: '1.5' }, "CAPTURE_SAMPLE must be a number from 0 to 1, e.g. CAPTURE_SAMPLE=1 (got '1.5')."],
    [{ CAPTURE_REDACT: 'all' }, "CAPTURE_REDACT must be one of none or content, e.g. CAPTURE_REDACT=content (got 'all')."],
    [{ SHADOW_CHAT_BASE_URL: 'ftp://x' }, 'SHADOW_CHAT_BASE_URL must be an http or https URL, not ftp, e.g. SHADOW_CHAT_BASE_URL=https://api.openai.com/v1.'],
    [{ SHADOW_CHAT_BASE_URL: 'https://u:p@x/v1' }, 'SHADOW_CHAT_BASE_URL must not contain credentials; set SHADOW_CHAT_API_KEY instead, e.g. SHADOW_CHAT_BASE_URL=https://api.openai.com/v1.'],
    [{ MAX_CONCURRENT_UPSTREAM: '0' }, "MAX_CONCURRENT_UPSTREAM must be a whole number, 1 or more, e.g. MAX_CONCURRENT_UPSTREAM=256 (got '0')."],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    expect((() => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })()).toEqual([message]);
  });

  it('names every bad variable, one line each', () => {
    expect(() => loadConfig({ PORT: '99999', METRICS: 'enabled' })).toThrow(
      "PORT must be a port number 0-65535, e.g. PORT=8080 (got '99999').\nMETRICS must be one of 1, 0, true, false, yes, no, on, off, e.g. METRICS=off (got 'enabled').",
    );
  });

  it('never quotes a key or a URL back', () => {
    const message = (() => {
      try {
        loadConfig({ UPSTREAM_API_KEY: 'sk-secret one', ADAPTER_API_KEYS: 'sk-client two', REDIS_URL: 'http://:sk-pass@redis' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message.split('\n')).toHaveLength(3);
    expect(message).not.toMatch(/sk-secret|sk-client|sk-pass/);
  });

  it('warns about a base URL that does not end in /v1, and starts', () => {
    expect(configWarnings(loadConfig({ UPSTREAM_BASE_URL: 'https://relay.example/openai/' }))).toEqual([
      'UPSTREAM_BASE_URL does not end in /v1: requests go to https://relay.example/openai/responses. Most upstreams want the URL with /v1, e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.',
    ]);
    expect(configWarnings(loadConfig({ UPSTREAM_BASE_URL: 'https://relay.example/openai/v1/' }))).toEqual([]);
    expect(configWarnings(loadConfig({}))).toEqual([]);
  });

  it('warns that workers without REDIS_URL do not share state, and says nothing with it', () => {
    expect(configWarnings(loadConfig({ WORKERS: '2' }))).toEqual([
      'WORKERS=2 without REDIS_URL: each worker has its own reasoning memory and stored-completions index, so a tool loop or a stored completion served by one worker is unknown to the others. Set REDIS_URL to share them.',
    ]);
    expect(configWarnings(loadConfig({ WORKERS: '2', REDIS_URL: 'redis://redis:6379' }))).toEqual([]);
    expect(configWarnings(loadConfig({ REDIS_URL: 'redis://redis:6379' }))).toEqual([]);
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

  it('stops on each bad value with exit code 1 and one line naming it, never a stack', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: '99999' }, "PORT must be a port number 0-65535, e.g. PORT=8080 (got '99999')."],
      [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent, e.g. LOG_LEVEL=debug (got 'verbose')."],
      [{ METRICS: 'enabled' }, "METRICS must be one of 1, 0, true, false, yes, no, on, off, e.g. METRICS=off (got 'enabled')."],
      [{ MODEL_ALIASES: 'a=b=c' }, "MODEL_ALIASES must be comma-separated client-model=upstream-model pairs (one = in each), not 'a=b=c', e.g. MODEL_ALIASES=gpt-4o=gpt-5-mini."],
      [{ UPSTREAM_BASE_URL: 'api.openai.com' }, 'UPSTREAM_BASE_URL must be an http or https URL (it is not a URL), e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.'],
      [{ SHUTDOWN_GRACE_MS: 'soon' }, "SHUTDOWN_GRACE_MS must be a whole number, 0 or more, e.g. SHUTDOWN_GRACE_MS=8000 (got 'soon')."],
    ];
    const results = await Promise.all(cases.map(([env]) => startServer(env).exited));
    expect(results).toEqual(cases.map(([, message]) => ({ code: 1, stderr: `Configuration error: ${message}\n` })));
  }, 60_000);

  it('starts with a warning when the base URL does not end in /v1', async () => {
    const { child, lines, exited } = startServer({ PORT: '0', UPSTREAM_BASE_URL: 'http://127.0.0.1:1/openai' });
    const seen: Array<{ level: number; msg: string }> = [];
    for await (const line of lines) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      seen.push(entry);
      if (entry.msg === 'chat-responses-adapter listening') break;
    }
    child.kill('SIGTERM');
    await exited;
    expect(seen[0]).toMatchObject({ level: 40, msg: expect.stringMatching(/^UPSTREAM_BASE_URL does not end in \/v1: requests go to http:\/\/127.0.0.1:1\/openai\/responses\./) });
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

describe('the README configuration tables', () => {
  it.each(['README.md', 'README.zh-CN.md'])('%s lists exactly the variables of the schema', async (file) => {
    const { readFileSync } = await import('node:fs');
    const { ENVIRONMENT } = await import('../../src/config.js');
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf(file === 'README.md' ? '## Configuration' : '## 配置');
    const section = text.slice(start, text.indexOf('\n## ', start + 3));
    const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual(Object.keys(ENVIRONMENT.shape));
  });
});
