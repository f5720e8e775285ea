import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, startFakeUpstream, textStreamEvents, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { bodyContains, rawRequest, spawnServer, type LogEntry, type SpawnedServer } from '../helpers/spawned-server.js';
import { parseExposition } from '../helpers/prometheus-text.js';

/** WORKERS=2: one port served by two processes under a primary that supervises them. */

let fake: FakeUpstream | undefined;
let server: SpawnedServer | undefined;
afterEach(async () => {
  if (server && server.child.exitCode === null) {
    // The primary and its workers: the workers drain themselves when the primary is gone.
    server.child.kill('SIGKILL');
  }
  await fake?.close();
  fake = undefined;
});

const listening = (entry: LogEntry) => entry.msg === 'chat-responses-adapter listening';

async function startWorkers(env: Record<string, string> = {}): Promise<number> {
  fake = await startFakeUpstream();
  server = spawnServer({ PORT: '0', HOST: '127.0.0.1', WORKERS: '2', UPSTREAM_BASE_URL: fake.url, UPSTREAM_RETRIES: '0', SHUTDOWN_GRACE_MS: '3000', ...env });
  await server.waitForLog(listening);
  await waitFor(() => server!.logs.filter(listening).length >= 2);
  const ports = new Set(server.logs.filter(listening).map((entry) => entry.port));
  expect(ports.size).toBe(1);
  return [...ports][0] as number;
}

async function waitFor(condition: () => boolean, withinMs = 30_000): Promise<void> {
  for (const startedAt = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() - startedAt > withinMs) throw new Error(`not within ${withinMs} ms; stderr: ${server?.stderr()}`);
  }
}

const chat = { path: '/v1/chat/completions', body: { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] } };

describe('WORKERS=2', () => {
  it('serves one port from two workers, gathers both workers’ metrics in any scrape, and drains both on SIGTERM, exiting 0', async () => {
    const port = await startWorkers();
    const workerPids = new Set(server!.logs.filter(listening).map((entry) => entry.pid));
    expect(workerPids.size).toBe(2);
    expect(server!.logs.filter(listening).map((entry) => entry.worker).sort()).toEqual([1, 2]);
    expect(workerPids.has(server!.child.pid)).toBe(false);
    // Each worker warns of nothing; the primary warns once that state is not shared.
    expect(server!.logs.filter((entry) => String(entry.msg).startsWith('WORKERS=2 without REDIS_URL'))).toHaveLength(1);

    const requests = 12;
    for (let index = 0; index < requests; index++) {
      const reply = await rawRequest(port, { ...chat, headers: { 'x-request-id': `req-${index}` } });
      expect(reply.status).toBe(200);
      await reply.text();
    }
    await waitFor(() => server!.logs.filter((entry) => entry.req?.id?.startsWith('req-') && entry.res).length === requests);
    const answeredBy = new Set(server!.logs.filter((entry) => entry.req?.id?.startsWith('req-')).map((entry) => entry.pid));
    expect(answeredBy).toEqual(workerPids);

    const scrape = await rawRequest(port, { path: '/metrics' });
    const exposition = parseExposition((await scrape.text()).body);
    const chatRequests = exposition.samples.filter((sample) => sample.name === 'chat_adapter_requests_total' && sample.labels.route === '/v1/chat/completions');
    expect(new Set(chatRequests.map((sample) => sample.labels.worker))).toEqual(new Set(['1', '2']));
    expect(chatRequests.reduce((total, sample) => total + sample.value, 0)).toBe(requests);

    // A stream open during the drain finishes within the grace.
    fake!.enqueue({ kind: 'stream', events: textStreamEvents(responseObject({ output: [messageItem('one two')] }), ['one ', 'two']), delayMs: 300 });
    const stream = await rawRequest(port, { ...chat, body: { ...chat.body, stream: true } });
    await bodyContains(stream, 'role');
    server!.child.kill('SIGTERM');
    const streamed = await stream.text();
    expect(streamed.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const exit = await server!.exited;
    expect({ code: exit.code, stderr: server!.stderr() }).toEqual({ code: 0, stderr: '' });
    const shutDown = server!.logs.filter((entry) => entry.msg === 'shut down');
    expect(new Set(shutDown.map((entry) => entry.pid))).toEqual(workerPids);
    expect(server!.logs.at(-1)).toMatchObject({ msg: 'shut down: every worker drained', pid: server!.child.pid, exitCode: 0 });
    await expect(rawRequest(port, { path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
  }, 90_000);

  it('starts a worker that crashed again, on the same port', async () => {
    const port = await startWorkers();
    const first = server!.logs.find((entry) => listening(entry) && entry.worker === 1)!;
    process.kill(first.pid as number, 'SIGKILL');
    const restart = await server!.waitForLog((entry) => entry.msg === 'worker exited unexpectedly: starting it again');
    expect(restart).toMatchObject({ level: 50, worker: 1, pid: first.pid, signal: 'SIGKILL' });
    await waitFor(() => server!.logs.filter((entry) => listening(entry) && entry.worker === 1).length === 2);
    for (let index = 0; index < 4; index++) expect((await rawRequest(port, chat)).status).toBe(200);
    server!.child.kill('SIGTERM');
    expect((await server!.exited).code).toBe(0);
  }, 90_000);

  it('exits 1 when the workers cannot listen (port in use)', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      fake = await startFakeUpstream();
      server = spawnServer({ PORT: String(port), HOST: '127.0.0.1', WORKERS: '2', UPSTREAM_BASE_URL: fake.url });
      const exit = await server.exited;
      expect(exit.code).toBe(1);
      expect(server.logs.find((entry) => entry.msg === 'workers keep exiting before they listen: giving up')).toMatchObject({ level: 60 });
      expect(server.logs.filter((entry) => String(entry.msg).startsWith('cannot listen')).length).toBeGreaterThanOrEqual(3);
    } finally {
      taken.close();
    }
  }, 60_000);
});
