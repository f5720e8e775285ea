/**
 * Resending only what cannot have reached the upstream (issue 12, item 6), and early answers to an
 * upload passed on instead of the reset that follows them (item 7).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { UpstreamProtocolError } from '../../src/errors.js';
import { delay, freePort, httpUpstream, netUpstream, OK_RESPONSE, RequestReader, TestPresence, transport } from './transport-harness.js';

describe('a connection that cannot be made', () => {
  it('is resent with backoff, then a 502 naming the error', async () => {
    const port = await freePort();
    const started = performance.now();
    const failure = await transport({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 2 })
      .request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, new TestPresence())
      .catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(failure).toBeInstanceOf(UpstreamProtocolError);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_unreachable', message: `Could not reach the upstream: ECONNREFUSED 127.0.0.1:${port}.` });
    // Three attempts: after the first, 100 ms; after the second, 200 ms.
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('is not resent with retries = 0', async () => {
    const port = await freePort();
    const started = performance.now();
    await expect(
      transport({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 0 }).request({ method: 'GET', path: '/models', headers: {} }, new TestPresence()),
    ).rejects.toMatchObject({ code: 'upstream_unreachable' });
    expect(performance.now() - started).toBeLessThan(90);
  });

  it('succeeds when the upstream comes up during the backoff', async () => {
    const port = await freePort();
    const reply = transport({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 3 }).request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, new TestPresence());
    await delay(40);
    const server = http.createServer((_request, response) => response.end('{"ok":true}'));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const answered = await reply;
      expect(answered.status).toBe(200);
      expect((await answered.buffer()).toString()).toBe('{"ok":true}');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('names the host when its name does not resolve', async () => {
    const failure = await transport({ baseUrl: 'http://adapter-test-host.invalid/v1', retries: 0 })
      .request({ method: 'GET', path: '/models', headers: {} }, new TestPresence())
      .catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/^Could not reach the upstream: (ENOTFOUND|EAI_AGAIN) adapter-test-host\.invalid\.$/);
    expect(failure).toMatchObject({ code: 'upstream_unreachable' });
  });
});

describe('an upstream that took the request in and then dropped it', () => {
  // The reset comes 300 ms after the whole request was read: work had begun.
  const resettingWhileWorking = async (answerFirst: boolean) => {
    const seen: string[] = [];
    const sockets = new Set<unknown>();
    const upstream = await httpUpstream((request, response) => {
      sockets.add(request.socket);
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push(body);
        if (answerFirst && seen.length === 1) response.end('{"first":true}');
        else setTimeout(() => request.socket.resetAndDestroy(), 300);
      });
    });
    return { upstream, seen, sockets };
  };

  it('on a fresh socket: one request upstream and a 502, not a resend', async () => {
    const { upstream, seen } = await resettingWhileWorking(false);
    const failure = await transport({ baseUrl: upstream.url(), retries: 3 })
      .request({ method: 'POST', path: '/responses', headers: {}, body: '{"n":1}' }, new TestPresence())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_unreachable', message: 'Could not reach the upstream: ECONNRESET.' });
    await delay(50);
    expect(seen).toEqual(['{"n":1}']);
  });

  it('on a reused keep-alive socket: one request upstream and a 502, not a resend', async () => {
    const { upstream, seen, sockets } = await resettingWhileWorking(true);
    // One connection, so the second request goes out on the first one's socket.
    const shared = transport({ baseUrl: upstream.url(), retries: 3, connections: 1 });
    const first = await shared.request({ method: 'POST', path: '/responses', headers: {}, body: '{"n":1}' }, new TestPresence());
    await first.buffer();
    const failure = await shared.request({ method: 'POST', path: '/responses', headers: {}, body: '{"n":2}' }, new TestPresence()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_unreachable', message: 'Could not reach the upstream: ECONNRESET.' });
    await delay(50);
    expect(seen).toEqual(['{"n":1}', '{"n":2}']);
    expect(sockets.size).toBe(1);
  });
});

describe('a stale pooled socket', () => {
  // The upstream answers request 1 on a kept-alive socket, then closes that socket just as the
  // second request's first bytes arrive, without answering: the race of an idle timeout.
  it.each([
    ['with a reset', 'reset'],
    ['with a plain close', 'close'],
  ] as const)('closed %s as the next request arrives: resent on a new connection, answered once', async (_name, how) => {
    const connections: RequestReader[] = [];
    const upstream = await netUpstream((socket) => {
      const reader = new RequestReader();
      const index = connections.push(reader) - 1;
      socket.on('data', (data: Buffer) => {
        const before = reader.requests.length;
        reader.push(data);
        if (index === 0 && before === 1) {
          if (how === 'reset') socket.resetAndDestroy();
          else socket.destroy();
          return;
        }
        for (let count = before; count < reader.requests.length; count++) socket.write(OK_RESPONSE);
      });
    });
    const shared = transport({ baseUrl: upstream.url(), retries: 1, connections: 1 });
    const first = await shared.request({ method: 'POST', path: '/responses', headers: {}, body: 'one' }, new TestPresence());
    expect((await first.buffer()).toString()).toBe('ok');

    const second = await shared.request({ method: 'POST', path: '/responses', headers: {}, body: 'two' }, new TestPresence());
    expect(second.status).toBe(200);
    expect((await second.buffer()).toString()).toBe('ok');
    expect(connections).toHaveLength(2);
    // The old socket did get the second request's bytes; the new one got the request whole, once.
    expect(connections[0]!.bytes).toBeGreaterThan(connections[0]!.requests[0]!.head.length + 4 + 3);
    expect(connections[1]!.requests.map((request) => request.body.toString())).toEqual(['two']);
  });

  it('counts against the retries: with none left, a 502', async () => {
    let connections = 0;
    const upstream = await netUpstream((socket) => {
      const reader = new RequestReader();
      connections++;
      socket.on('data', (data: Buffer) => {
        const before = reader.requests.length;
        reader.push(data);
        if (before === 1) return void socket.resetAndDestroy();
        socket.write(OK_RESPONSE);
      });
    });
    const shared = transport({ baseUrl: upstream.url(), retries: 0, connections: 1 });
    await (await shared.request({ method: 'GET', path: '/models', headers: {} }, new TestPresence())).buffer();
    await expect(shared.request({ method: 'GET', path: '/models', headers: {} }, new TestPresence())).rejects.toMatchObject({ code: 'upstream_unreachable' });
    expect(connections).toBe(1);
  });
});

/**
 * The upstream runs in its own process, as in production: in the test's own event loop, its
 * reset would never race our upload the way a real relay's does.
 */
const EARLY_ANSWER_UPSTREAM = `
const http = require('node:http');
const mode = process.argv[1];
let requests = 0;
let bytes = 0;
const server = http.createServer((request, response) => {
  requests++;
  request.on('data', (chunk) => (bytes += chunk.length));
  const body = JSON.stringify({ error: { message: 'Request too large.', type: 'invalid_request_error', code: 'request_too_large' } });
  response.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  if (mode === 'destroy') { response.end(body); request.socket.destroy(); }
  else if (mode === 'reset') response.end(body, () => request.socket.resetAndDestroy());
  else response.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('data', () => console.log(JSON.stringify({ requests, bytes })));
`;

describe('an early answer to a large upload', () => {
  it.each([
    ['closes the socket after answering', 'destroy'],
    ['resets the connection after answering', 'reset'],
    ['ends the answer and lets Node close', 'end'],
  ])('reaches the caller as the 413 with its body when the upstream %s; the body is not sent again', async (_name, mode) => {
    const child = spawn(process.execPath, ['-e', EARLY_ANSWER_UPSTREAM, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    try {
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const upload = transport({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 2 });
      const body = Buffer.alloc(8 * 1024 * 1024, 'a');
      const rounds = 8;
      for (let round = 0; round < rounds; round++) {
        const reply = await upload.request({ method: 'POST', path: '/responses', headers: { 'content-type': 'application/json' }, body }, new TestPresence());
        expect(reply.status).toBe(413);
        expect(JSON.parse((await reply.buffer()).toString())).toMatchObject({ error: { code: 'request_too_large' } });
      }
      child.stdin.write('\n');
      const { requests } = JSON.parse((await lines.next()).value as string) as { requests: number };
      expect(requests).toBe(rounds);
    } finally {
      child.kill();
    }
  });
});
