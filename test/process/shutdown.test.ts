import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, startFakeUpstream, textStreamEvents, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { bodyContains, rawRequest, spawnServer, type SpawnedServer } from '../helpers/spawned-server.js';

/** SIGTERM to a real server process with streams, JSON calls and kept-alive sockets open. */

const GRACE_MS = 2000;
let fake: FakeUpstream;
let server: SpawnedServer | undefined;

afterEach(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await fake?.close();
});

function chat(stream: boolean, requestId: string) {
  return {
    path: '/v1/chat/completions',
    body: { model: 'gpt-test', stream, messages: [{ role: 'user', content: 'Hi' }] },
    headers: { 'x-request-id': requestId },
  };
}

const text = (deltas: string[]) => textStreamEvents(responseObject({ output: [messageItem(deltas.join(''))] }), deltas);

describe('SIGTERM', () => {
  it('flips readiness, refuses new requests, lets streams finish within the grace, then ends the rest with an error frame and exits 0', async () => {
    fake = await startFakeUpstream();
    server = spawnServer({ PORT: '0', UPSTREAM_BASE_URL: fake.url, UPSTREAM_RETRIES: '0', SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'info' });
    const port = await server.port();
    expect((await rawRequest(port, { path: '/readyz' })).status).toBe(200);

    // Two streams that never end, one that ends within the grace, one still waiting for the upstream's headers.
    fake.enqueue({ kind: 'stream', events: text(['Held ', 'open']), holdAfter: 5 }, { kind: 'stream', events: text(['Also ', 'held']), holdAfter: 5 });
    const held = [await rawRequest(port, chat(true, 'held-1')), await rawRequest(port, chat(true, 'held-2'))];
    await Promise.all(held.map((reply) => bodyContains(reply, '"content":"')));
    fake.enqueue({ kind: 'stream', events: text(['Passed ', 'through']), holdAfter: 5 });
    const passthrough = await rawRequest(port, { path: '/v1/responses', body: { model: 'gpt-test', input: 'Hi', stream: true } });
    await bodyContains(passthrough, 'response.output_text.delta');
    fake.enqueue({ kind: 'stream', events: text(['one ', 'two ', 'three ', 'four']), delayMs: 150 });
    const finishing = await rawRequest(port, chat(true, 'finishing'));
    fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('late')] }), delayMs: 30_000 });
    const waitingStream = rawRequest(port, chat(true, 'waiting-for-headers'));
    // A JSON call answered during the drain, on a kept-alive socket, and one that would be answered after the grace.
    fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('in time')] }), delayMs: 600 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const inTime = rawRequest(port, { ...chat(false, 'json-in-time'), agent });
    fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('too late')] }), delayMs: 30_000 });
    const tooLate = rawRequest(port, chat(false, 'json-too-late'));
    // An idle kept-alive socket.
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await rawRequest(port, { path: '/healthz', agent: idleAgent });
    await idle.text();
    const idleSocket = idle.socket;
    const idleClosed = new Promise<number>((resolve) => idleSocket.once('close', () => resolve(Date.now())));
    await sleep(200); // every request has reached the upstream

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');

    // Readiness first: 503 while every stream is still open.
    let ready = await rawRequest(port, { path: '/readyz' });
    while (ready.status === 200 && Date.now() - signalledAt < 2000) ready = await rawRequest(port, { path: '/readyz' });
    expect({ status: ready.status, body: JSON.parse((await ready.text()).body), connection: ready.headers.connection }).toEqual({
      status: 503,
      body: { status: 'draining' },
      connection: 'close',
    });
    expect(held.every((reply) => !reply.response.complete)).toBe(true);
    expect(await idleClosed).toBeLessThan(signalledAt + 1000);

    // A new request: a clean 503 that closes its connection. Liveness stays ok.
    const refused = await rawRequest(port, chat(false, 'new-request'));
    expect({ status: refused.status, connection: refused.headers.connection, body: JSON.parse((await refused.text()).body) }).toEqual({
      status: 503,
      connection: 'close',
      body: {
        error: {
          message: 'The adapter is shutting down; send the request again (another instance will take it).',
          type: 'server_error',
          param: null,
          code: 'shutting_down',
        },
      },
    });
    expect((await rawRequest(port, { path: '/healthz' })).status).toBe(200);

    // Answered during the drain on a kept-alive socket: it says connection: close.
    const answered = await inTime;
    expect({ status: answered.status, connection: answered.headers.connection }).toEqual({ status: 200, connection: 'close' });
    const finished = await finishing.text();
    expect(finished.body.trimEnd().endsWith('data: [DONE]')).toBe(true);

    // After the grace: error frames, a 503 for what had not started, then exit 0.
    const frames = await Promise.all(held.map((reply) => reply.text()));
    const endedAt = Date.now();
    expect(endedAt - signalledAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
    for (const { body } of frames) {
      const last = body.trimEnd().split('\n\n').at(-1)!;
      expect(JSON.parse(last.slice('data: '.length))).toEqual({
        error: {
          message: 'The adapter is shutting down; send the request again (another instance will take it).',
          type: 'server_error',
          param: null,
          code: 'shutting_down',
        },
      });
      expect(body).not.toContain('[DONE]');
    }
    expect((await passthrough.text()).complete).toBe(false);
    for (const pending of [await waitingStream, await tooLate]) {
      expect({ status: pending.status, code: JSON.parse((await pending.text()).body).error.code }).toEqual({ status: 503, code: 'shutting_down' });
    }

    const exit = await server.exited;
    expect({ code: exit.code, stderr: server.stderr(), last: server.logs.at(-1)?.msg }).toEqual({ code: 0, stderr: '', last: 'shut down' });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + 2000);
    const ended = server.logs.filter((entry) => entry.msg === 'stream ended: the adapter is shutting down').map((entry) => entry.req.id);
    expect(ended.sort()).toEqual(['held-1', 'held-2']);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'shut down', finishedWithinGrace: false, streamsEnded: 3, requestsRefused: 1, responsesCut: 1 });
    expect(server.logs.find((entry) => entry.msg.startsWith('shutting down'))).toMatchObject({ reason: 'SIGTERM', graceMs: GRACE_MS });
    agent.destroy();
    idleAgent.destroy();
  }, 60_000);

  it('exits 0 at once when nothing is open', async () => {
    fake = await startFakeUpstream();
    server = spawnServer({ PORT: '0', UPSTREAM_BASE_URL: fake.url, SHUTDOWN_GRACE_MS: '20000' });
    await server.port();
    const signalledAt = Date.now();
    server.child.kill('SIGINT');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(3000);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'shut down', finishedWithinGrace: true, openAtStart: 0 });
  }, 30_000);

  it('exits 1 when a second signal forces it', async () => {
    fake = await startFakeUpstream();
    server = spawnServer({ PORT: '0', UPSTREAM_BASE_URL: fake.url, SHUTDOWN_GRACE_MS: '20000' });
    const port = await server.port();
    fake.enqueue({ kind: 'stream', events: text(['Held ', 'open']), holdAfter: 5 });
    const held = await rawRequest(port, chat(true, 'held'));
    await bodyContains(held, '"content":"');
    server.child.kill('SIGTERM');
    await server.waitForLog((entry) => entry.msg.startsWith('shutting down'));
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(1);
    expect(server.logs.at(-1)).toMatchObject({ msg: 'shutdown forced: exiting now, open requests are cut' });
  }, 30_000);
});
