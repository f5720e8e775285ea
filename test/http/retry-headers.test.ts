import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

/**
 * The retry advice the official SDKs obey (`retry-after-ms`, `x-should-retry`, `retry-after`)
 * reaches the client from the upstream on chat JSON, chat streams and the Responses passthrough,
 * on answers and on errors alike.
 */

const ADVICE = { 'retry-after-ms': '1500', 'x-should-retry': 'true', 'retry-after': '2' };
const NO_RETRY = { 'retry-after-ms': '0', 'x-should-retry': 'false' };
const rateLimited = { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } };

let harness: Harness;
let url: string;
beforeEach(async () => {
  harness = await startHarness();
  url = await harness.listen();
});
afterEach(async () => {
  await harness.close();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...extra });
const answer = () => responseObject({ output: [messageItem('Hi there.')] });

function advice(response: Response, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
}

describe('retry advice from the upstream', () => {
  it.each([
    ['chat JSON', '/chat/completions', chat()],
    ['chat stream', '/chat/completions', chat({ stream: true })],
    ['Responses passthrough', '/responses', { model: 'gpt-test', input: 'Hi' }],
    ['Responses passthrough stream', '/responses', { model: 'gpt-test', input: 'Hi', stream: true }],
  ])('reaches the client on a %s error', async (_name, path, body) => {
    harness.fake.enqueue({ kind: 'json', status: 429, body: rateLimited, headers: ADVICE });
    const response = await post(path, body);
    expect(response.status).toBe(429);
    expect(advice(response, Object.keys(ADVICE))).toEqual(ADVICE);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
  });

  it.each([
    ['chat JSON', '/chat/completions', chat(), { kind: 'json' as const }],
    ['Responses passthrough', '/responses', { model: 'gpt-test', input: 'Hi' }, { kind: 'json' as const }],
    ['chat stream', '/chat/completions', chat({ stream: true }), { kind: 'stream' as const }],
    ['Responses passthrough stream', '/responses', { model: 'gpt-test', input: 'Hi', stream: true }, { kind: 'stream' as const }],
  ])('reaches the client on a %s answer', async (_name, path, body, { kind }) => {
    const response = answer();
    harness.fake.enqueue(
      kind === 'json'
        ? { kind, body: response, headers: NO_RETRY }
        : { kind, events: textStreamEvents(response, ['Hi ', 'there.']), headers: NO_RETRY },
    );
    const reply = await post(path, body);
    expect(reply.status).toBe(200);
    expect(advice(reply, Object.keys(NO_RETRY))).toEqual(NO_RETRY);
    await reply.text();
  });

  it('is not made up when the upstream gave none', async () => {
    harness.fake.enqueue({ kind: 'json', status: 429, body: rateLimited });
    const response = await post('/chat/completions', chat());
    expect(advice(response, Object.keys(ADVICE))).toEqual({ 'retry-after-ms': null, 'x-should-retry': null, 'retry-after': null });
  });
});
