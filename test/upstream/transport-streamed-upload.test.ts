/**
 * Request bodies given as streams (uploads piped through, issue 11): sent as they are read, and
 * never sent twice once undici began to read them, even where a whole body would be resent.
 */
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { delay, freePort, httpUpstream, netUpstream, OK_RESPONSE, RequestReader, TestPresence, transport } from './transport-harness.js';

function streamOf(...pieces: string[]): PassThrough {
  const stream = new PassThrough();
  for (const piece of pieces) stream.write(piece);
  stream.end();
  return stream;
}

describe('a streamed request body', () => {
  it('reaches the upstream as it is written, before it ends', async () => {
    let received = '';
    let ended = false;
    const upstream = await httpUpstream((request, response) => {
      request.on('data', (chunk: Buffer) => (received += chunk.toString()));
      request.on('end', () => {
        ended = true;
        response.end(`got ${received.length}`);
      });
    });
    const body = new PassThrough();
    const reply = transport({ baseUrl: upstream.url() }).request({ method: 'POST', path: '/files', headers: {}, body }, new TestPresence());
    body.write('first part;');
    for (let waited = 0; received === '' && waited < 2_000; waited += 10) await delay(10);
    expect({ received, ended }).toEqual({ received: 'first part;', ended: false });
    body.end('second part');

    const answered = await reply;
    expect((await answered.buffer()).toString()).toBe('got 22');
  });

  it('with a content-length goes with that length, not chunked', async () => {
    let headers: http.IncomingHttpHeaders = {};
    const upstream = await httpUpstream((request, response) => {
      headers = request.headers;
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    const reply = await transport({ baseUrl: upstream.url() }).request(
      { method: 'POST', path: '/files', headers: { 'content-length': '10' }, body: streamOf('01234', '56789') },
      new TestPresence(),
    );
    await reply.buffer();
    expect({ length: headers['content-length'], chunked: headers['transfer-encoding'] }).toEqual({ length: '10', chunked: undefined });
  });

  it('is resent when the connection could not be made (nothing of it was read)', async () => {
    const port = await freePort();
    const reply = transport({ baseUrl: `http://127.0.0.1:${port}/v1`, retries: 3 }).request(
      { method: 'POST', path: '/files', headers: {}, body: streamOf('the ', 'whole ', 'body') },
      new TestPresence(),
    );
    await delay(40);
    let received = '';
    const server = http.createServer((request, response) => {
      request.on('data', (chunk: Buffer) => (received += chunk.toString()));
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect((await reply).status).toBe(200);
      expect(received).toBe('the whole body');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is never resent once written, even on a stale pooled socket where a whole body would be', async () => {
    // As in transport-resend.test.ts: the upstream closes the kept-alive socket as the second
    // request arrives. A buffered body is resent there; a streamed one must not be.
    const connections: RequestReader[] = [];
    const upstream = await netUpstream((socket) => {
      const reader = new RequestReader();
      const index = connections.push(reader) - 1;
      socket.on('data', (data: Buffer) => {
        const before = reader.requests.length;
        reader.push(data);
        if (index === 0 && before === 1) return void socket.resetAndDestroy();
        for (let count = before; count < reader.requests.length; count++) socket.write(OK_RESPONSE);
      });
    });
    const shared = transport({ baseUrl: upstream.url(), retries: 1, connections: 1 });
    const first = await shared.request({ method: 'POST', path: '/files', headers: {}, body: 'one' }, new TestPresence());
    expect((await first.buffer()).toString()).toBe('ok');

    const failure = await shared
      .request({ method: 'POST', path: '/files', headers: { 'content-length': '3' }, body: streamOf('two') }, new TestPresence())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_unreachable' });
    await delay(50);
    expect(connections).toHaveLength(1);
  });

  it('that fails on the caller’s side aborts the upstream request, not resent', async () => {
    let requests = 0;
    let upstreamSawEnd = false;
    const closed = new Promise<void>((resolve) => {
      void httpUpstream((request) => {
        requests++;
        request.on('end', () => (upstreamSawEnd = true));
        request.on('close', () => resolve());
        request.resume();
      }).then((upstream) => {
        const body = new PassThrough();
        body.on('error', () => {});
        void transport({ baseUrl: upstream.url(), retries: 3 })
          .request({ method: 'POST', path: '/files', headers: {}, body }, new TestPresence())
          .catch(() => {});
        body.write('part');
        setTimeout(() => body.destroy(new Error('the client left')), 50);
      });
    });
    await closed;
    await delay(300);
    expect({ requests, upstreamSawEnd }).toEqual({ requests: 1, upstreamSawEnd: false });
  });
});
