/**
 * CORS_ORIGINS: browser apps call the adapter. Preflights are answered without a key and allow the
 * requested headers by name; answers carry the origin; origins not listed get no CORS headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, startAdapter, type RunningAdapter } from './adapter.js';
import { startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
let adapter: RunningAdapter;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

const APP = 'https://chat.example.com';
const KEYED = { ADAPTER_API_KEYS: 'sk-adapter-key-1', UPSTREAM_API_KEY: 'sk-upstream-key-1' };

async function start(env: Record<string, string>): Promise<void> {
  upstream = await startApiUpstream();
  adapter = await startAdapter(upstream.url, env);
}

/** A preflight as a browser sends it for the SDK's chat call: no credentials, the headers it will send named. */
function preflight(path: string, origin: string) {
  return fetch(`${adapter.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-stainless-os,x-stainless-retry-count',
    },
  });
}

function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

describe('a preflight from an allowed origin', () => {
  it.each(['/chat/completions', '/embeddings', '/models'])('to %s: 204, no key needed, the requested headers allowed by name', async (path) => {
    await start({ ...KEYED, CORS_ORIGINS: `${APP}, http://localhost:5173` });
    const answer = await preflight(path, APP);

    expect(answer.status).toBe(204);
    expect(corsHeaders(answer)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'authorization,content-type,x-stainless-os,x-stainless-retry-count',
      'access-control-max-age': '7200',
      vary: 'origin, access-control-request-method, access-control-request-headers',
    });
    expect(await answer.text()).toBe('');
    expect(upstream.requests).toEqual([]);
  });

  it('with CORS_ORIGINS=*: any origin, answered with that origin (never a bare *)', async () => {
    await start({ ...KEYED, CORS_ORIGINS: '*' });
    const answer = await preflight('/chat/completions', 'https://anywhere.example');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
  });

  it('a requested header list that is not one is not echoed', async () => {
    await start({ CORS_ORIGINS: APP });
    const answer = await fetch(`${adapter.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-a: b' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-headers')).toBeNull();
  });
});

describe('a cross-origin request', () => {
  it('to the chat route: the answer carries the origin and exposes the headers clients read', async () => {
    await start({ ...KEYED, CORS_ORIGINS: APP });
    const answer = await fetch(`${adapter.url}/chat/completions`, {
      method: 'POST',
      headers: { origin: APP, authorization: 'Bearer sk-adapter-key-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], seed: 1 }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('vary')).toBe('origin');
    const exposed = answer.headers.get('access-control-expose-headers')!.split(', ');
    expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'x-adapter-warnings', 'x-ratelimit-remaining-requests', 'retry-after', 'retry-after-ms']));
    expect(answer.headers.get('x-adapter-warnings')).toBe('seed');
  });

  it('to a passthrough route, and an error answer: the same headers', async () => {
    await start({ ...KEYED, CORS_ORIGINS: APP });
    const answered = await fetch(`${adapter.url}/embeddings`, {
      method: 'POST',
      headers: { origin: APP, authorization: 'Bearer sk-adapter-key-1', 'content-type': 'application/json' },
      body: '{"model":"m","input":"x","encoding_format":"float"}',
    });
    const refused = await fetch(`${adapter.url}/embeddings`, { method: 'POST', headers: { origin: APP }, body: '{}' });
    expect([answered.status, refused.status]).toEqual([200, 401]);
    for (const answer of [answered, refused]) expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('from an origin not listed: no CORS headers, and a preflight is not answered for it', async () => {
    await start({ ...KEYED, CORS_ORIGINS: APP });
    const answer = await fetch(`${adapter.url}/models`, { headers: { origin: 'https://evil.example', authorization: 'Bearer sk-adapter-key-1' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-expose-headers')).toBeNull();

    const refused = await preflight('/chat/completions', 'https://evil.example');
    expect(refused.status).not.toBe(204);
    expect(Object.keys(corsHeaders(refused)).filter((name) => name !== 'vary')).toEqual([]);
  });
});

describe('without CORS_ORIGINS', () => {
  it('no CORS headers at all, and a preflight is an ordinary request', async () => {
    await start({});
    const answer = await preflight('/chat/completions', APP);
    expect(answer.status).toBe(404);
    expect(corsHeaders(answer)).toEqual({});
    const served = await fetch(`${adapter.url}/models`, { headers: { origin: APP } });
    expect(corsHeaders(served)).toEqual({});
  });
});
