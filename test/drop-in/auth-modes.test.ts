/**
 * Closed by default (issue 11): which key goes where in each mode, on every kind of route, and the
 * start that is refused when the operator's upstream key would serve anyone.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { closeAdapters, raw, startAdapter, type RunningAdapter } from './adapter.js';
import { startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
let adapter: RunningAdapter;
afterEach(async () => {
  await closeAdapters();
  await upstream?.close();
});

async function start(env: Record<string, string>): Promise<void> {
  upstream = await startApiUpstream();
  adapter = await startAdapter(upstream.url, env);
}

const REFUSED_OPEN_START =
  'UPSTREAM_API_KEY is set but ADAPTER_API_KEYS is not, so anyone who reaches the adapter would use the upstream key. ' +
  'Set ADAPTER_API_KEYS=<client-key>[,<client-key>…] (the keys clients must present), or ADAPTER_AUTH=none to run open on purpose.';

/** One request of each kind: the chat route, the generic passthrough, the models and Responses routes. */
const ROUTES = [
  { name: 'chat', method: 'POST', path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }) },
  { name: 'embeddings', method: 'POST', path: '/v1/embeddings', body: '{"model":"m","input":"x","encoding_format":"float"}' },
  { name: 'models', method: 'GET', path: '/v1/models', body: undefined },
  { name: 'responses', method: 'POST', path: '/v1/responses', body: '{"model":"gpt-test","input":"Hi"}' },
];

async function send(route: (typeof ROUTES)[number], key: string | undefined) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  return raw(adapter.port, { method: route.method, path: route.path, headers, body: route.body });
}

describe('the auth matrix', () => {
  it.each(ROUTES)('open (no keys configured), $name: the client’s own key goes upstream, or none', async (route) => {
    await start({});
    expect((await send(route, 'sk-client-own-1')).status).toBe(200);
    expect((await send(route, undefined)).status).toBe(200);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-client-own-1', undefined]);
  });

  it.each(ROUTES)('keyed, $name: no key or a wrong one is a 401 without an upstream call; an adapter key is served on the upstream key', async (route) => {
    await start({ ADAPTER_API_KEYS: 'sk-adapter-key-1', UPSTREAM_API_KEY: 'sk-upstream-key-1' });
    for (const key of [undefined, 'sk-wrong-key-123', 'sk-upstream-key-1']) {
      const answer = await send(route, key);
      expect({ status: answer.status, code: answer.json().error.code }).toEqual({ status: 401, code: 'invalid_api_key' });
    }
    expect(upstream.requests).toEqual([]);
    expect((await send(route, 'sk-adapter-key-1')).status).toBe(200);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-upstream-key-1']);
  });

  it.each(ROUTES)('ADAPTER_AUTH=none with an upstream key, $name: served without a key, on the upstream key', async (route) => {
    await start({ ADAPTER_AUTH: 'none', UPSTREAM_API_KEY: 'sk-upstream-key-1' });
    expect((await send(route, undefined)).status).toBe(200);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-upstream-key-1']);
  });

  it('ADAPTER_AUTH=none with an upstream key is said at start, as a warning', async () => {
    await start({ ADAPTER_AUTH: 'none', UPSTREAM_API_KEY: 'sk-upstream-key-1' });
    const warnings = adapter.logLines().filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg)).toEqual([
      'ADAPTER_AUTH=none: clients are served without a key, on UPSTREAM_API_KEY. Anyone who can reach this port uses it.',
    ]);
  });

  it('no warning in the other modes', async () => {
    const modes: Array<Record<string, string>> = [{}, { ADAPTER_API_KEYS: 'sk-adapter-key-1', UPSTREAM_API_KEY: 'sk-upstream-key-1' }];
    for (const env of modes) {
      await start(env);
      expect(adapter.logLines().filter((line) => line.level >= 40)).toEqual([]);
      await closeAdapters();
      await upstream.close();
    }
    upstream = await startApiUpstream();
  });
});

describe('the configuration', () => {
  it.each([
    [{ UPSTREAM_API_KEY: 'sk-upstream' }, REFUSED_OPEN_START],
    [{ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_AUTH: 'keys' }, REFUSED_OPEN_START],
    [{ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_AUTH: 'open' }, "ADAPTER_AUTH must be keys or none, got 'open', e.g. ADAPTER_AUTH=none."],
    [{ UPSTREAM_API_KEY: 'sk-upstream', ADAPTER_API_KEYS: 'sk-a', ADAPTER_AUTH: 'none' }, 'ADAPTER_AUTH=none contradicts ADAPTER_API_KEYS: unset one of them.'],
    [{ CORS_ORIGINS: 'chat.example.com' }, "CORS_ORIGINS must be * or origins such as https://chat.example.com (scheme, host and port only), got 'chat.example.com', e.g. CORS_ORIGINS=https://chat.example.com."],
    [{ CORS_ORIGINS: 'https://chat.example.com/app' }, /CORS_ORIGINS must be \* or origins/],
    [{ CORS_ORIGINS: 'https://a.example,*' }, /CORS_ORIGINS must be \* or origins .* got '\*'/],
    [{ PASSTHROUGH_ROUTES: 'embeddings' }, "PASSTHROUGH_ROUTES entries must be path prefixes such as /v1/embeddings or /v1/files, got 'embeddings', e.g. PASSTHROUGH_ROUTES=/v1/embeddings,/v1/files."],
    [{ PASSTHROUGH_ROUTES: '/v1' }, /PASSTHROUGH_ROUTES entries must be path prefixes/],
    [{ PASSTHROUGH_DENY: '/v1/files/../x' }, /PASSTHROUGH_DENY entries must be path prefixes .* got '\/v1\/files\/..\/x'/],
    [{ MAX_CONCURRENT_UPSTREAM: '0' }, "MAX_CONCURRENT_UPSTREAM must be a whole number, 1 or more, e.g. MAX_CONCURRENT_UPSTREAM=256 (got '0')."],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    [{}, 'keys'],
    [{ ADAPTER_AUTH: 'none', UPSTREAM_API_KEY: 'sk-upstream' }, 'none'],
    [{ ADAPTER_AUTH: 'none' }, 'none'],
    [{ ADAPTER_AUTH: 'keys', ADAPTER_API_KEYS: 'sk-a', UPSTREAM_API_KEY: 'sk-upstream' }, 'keys'],
  ])('accepts %j', (env, auth) => {
    expect(loadConfig(env).adapterAuth).toBe(auth);
  });

  it('reads the fence and the origins', () => {
    expect(loadConfig({ PASSTHROUGH_ROUTES: 'none', CORS_ORIGINS: '*' })).toMatchObject({ passthroughRoutes: [], corsOrigins: '*' });
    expect(loadConfig({ CORS_ORIGINS: 'https://xn--bcher-kva.example:443, http://127.0.0.1:8080' }).corsOrigins).toEqual([
      'https://xn--bcher-kva.example',
      'http://127.0.0.1:8080',
    ]);
  });
});

/** src/server.ts as a real process with only the given environment (plus PATH). */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stderr }));
  return { child, lines, exited };
}

describe('the server process', () => {
  it('refuses to start open on the operator’s key: exit 1, one line saying what to set', async () => {
    const { exited } = startServer({ PORT: '0', UPSTREAM_API_KEY: 'sk-upstream-secret-1' });
    const { code, stderr } = await exited;
    expect({ code, stderr }).toEqual({ code: 1, stderr: `Configuration error: ${REFUSED_OPEN_START}\n` });
    expect(stderr).not.toContain('sk-upstream-secret-1');
  });

  it('starts open on purpose with ADAPTER_AUTH=none, and warns before it listens', async () => {
    const { child, lines, exited } = startServer({ PORT: '0', HOST: '127.0.0.1', UPSTREAM_API_KEY: 'sk-upstream-secret-1', ADAPTER_AUTH: 'none', UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1' });
    const seen: Array<{ level: number; msg: string }> = [];
    for await (const line of lines) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      seen.push(entry);
      if (entry.msg === 'chat-responses-adapter listening') break;
    }
    child.kill('SIGTERM');
    await exited;
    expect(seen.filter((entry) => entry.level === 40).map((entry) => entry.msg)).toEqual([
      'ADAPTER_AUTH=none: clients are served without a key, on UPSTREAM_API_KEY. Anyone who can reach this port uses it.',
    ]);
    expect(seen.at(-1)!.msg).toBe('chat-responses-adapter listening');
  });
});
