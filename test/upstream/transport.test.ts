/**
 * The upstream transport over real sockets: what goes on the wire, statuses as they are, the
 * deadline, the client leaving, and bodies that break off. Resends and early answers are in
 * transport-resend.test.ts; decoding, limits and backpressure in transport-body.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ClientGoneError, UpstreamProtocolError } from '../../src/errors.js';
import { UpstreamTransport } from '../../src/upstream/transport.js';
import { closedEarly, delay, httpUpstream, netUpstream, record, TestPresence, transport } from './transport-harness.js';

describe('the request on the wire', () => {
  it('sends the headers exactly as given, with only undici’s host, connection and content-length added', async () => {
    let seen: { method?: string; url?: string; rawHeaders: string[]; body: string } = { rawHeaders: [], body: '' };
    const upstream = await httpUpstream((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, rawHeaders: request.rawHeaders, body };
        response.end('{}');
      });
    });
    const headers = {
      authorization: 'Bearer sk-test',
      accept: 'application/json',
      'content-type': 'application/json',
      'x-client-request-id': 'req_1',
      'OpenAI-Organization': 'org-1',
    };
    const reply = await transport({ baseUrl: upstream.url() }).request(
      { method: 'POST', path: '/responses?x=1', headers, body: '{"model":"m"}' },
      new TestPresence(),
    );
    expect(reply.status).toBe(200);
    expect((await reply.buffer()).toString()).toBe('{}');
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1/responses?x=1');
    expect(seen.body).toBe('{"model":"m"}');
    expect(pairs(seen.rawHeaders)).toEqual([
      ['host', `127.0.0.1:${upstream.port}`],
      ['connection', 'keep-alive'],
      ...Object.entries(headers),
      ['content-length', '13'],
    ]);
  });

  it('sends a GET without a body or content-length, and asks for no compression unless configured', async () => {
    const seen: string[][] = [];
    const upstream = await httpUpstream((request, response) => {
      seen.push(request.rawHeaders);
      response.end('[]');
    });
    const plain = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/models', headers: { accept: 'application/json' } }, new TestPresence());
    await plain.buffer();
    const asking = await transport({ baseUrl: upstream.url(), acceptEncoding: 'gzip, br' }).request(
      { method: 'GET', path: '/models', headers: { accept: 'application/json' } },
      new TestPresence(),
    );
    await asking.buffer();
    expect(pairs(seen[0]!)).toEqual([
      ['host', `127.0.0.1:${upstream.port}`],
      ['connection', 'keep-alive'],
      ['accept', 'application/json'],
    ]);
    expect(pairs(seen[1]!)).toContainEqual(['accept-encoding', 'gzip, br']);
  });

  it('puts the base URL’s path (a relay’s prefix) before each request path', async () => {
    const paths: string[] = [];
    const upstream = await httpUpstream((request, response) => {
      paths.push(request.url ?? '');
      response.end('{}');
    });
    const relay = transport({ baseUrl: upstream.url('/openai/v1') });
    await (await relay.request({ method: 'DELETE', path: '/responses/resp_1', headers: {} }, new TestPresence())).buffer();
    await (await relay.request({ method: 'GET', path: '/models/gpt-4o?x=%2F', headers: {} }, new TestPresence())).buffer();
    expect(paths).toEqual(['/openai/v1/responses/resp_1', '/openai/v1/models/gpt-4o?x=%2F']);
  });

  it('bounds the sockets it opens when told to', async () => {
    const sockets = new Set<unknown>();
    const upstream = await httpUpstream((request, response) => {
      sockets.add(request.socket);
      setTimeout(() => response.end('{}'), 20);
    });
    const bounded = transport({ baseUrl: upstream.url(), connections: 1 });
    const replies = await Promise.all([1, 2, 3].map(() => bounded.request({ method: 'GET', path: '/models', headers: {} }, new TestPresence())));
    await Promise.all(replies.map((reply) => reply.buffer()));
    expect(sockets.size).toBe(1);
  });
});

describe('answers', () => {
  it('returns a redirect as it is, without following it', async () => {
    let requests = 0;
    const upstream = await httpUpstream((_request, response) => {
      requests++;
      response.writeHead(302, { location: '/elsewhere', 'content-type': 'text/plain' }).end('moved');
    });
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/models', headers: {} }, new TestPresence());
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/elsewhere');
    expect((await reply.buffer()).toString()).toBe('moved');
    expect(requests).toBe(1);
  });

  it('passes error statuses on with their body and lower-case headers', async () => {
    const upstream = await httpUpstream((_request, response) => {
      response.writeHead(429, { 'Retry-After': '2', 'Content-Type': 'application/json' }).end('{"error":{"message":"slow down"}}');
    });
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, new TestPresence());
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('2');
    expect(JSON.parse((await reply.buffer()).toString())).toEqual({ error: { message: 'slow down' } });
  });

  it('delivers a body that arrived whole before the caller asked for it, to a stream as well', async () => {
    const upstream = await httpUpstream((_request, response) => response.end('data: one\n\n'));
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    await delay(20); // the whole answer is in before stream() is called
    const streamed = record(reply);
    // Never inside stream(): a consumer may use the control stream() returns from its first data().
    expect(streamed.chunks).toHaveLength(0);
    expect(await streamed.done).toBeNull();
    expect(streamed.body().toString()).toBe('data: one\n\n');
  });

  it('that is not HTTP is a 502 upstream_protocol_error', async () => {
    const upstream = await netUpstream((socket) => socket.on('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
    await expect(
      transport({ baseUrl: upstream.url(), retries: 0 }).request({ method: 'GET', path: '/models', headers: {} }, new TestPresence()),
    ).rejects.toMatchObject({ status: 502, code: 'upstream_protocol_error' });
  });

  it('cancel() closes the upstream request of a body nobody reads', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(200).write('part');
    });
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    reply.cancel();
    expect(await upstreamClosed).toBe(true);
  });
});

describe('the deadline', () => {
  it('is a 504 after timeoutMs when no headers come, and the upstream sees the request closed', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
    });
    const started = performance.now();
    const failure = await transport({ baseUrl: upstream.url(), timeoutMs: 200 })
      .request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, new TestPresence())
      .catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(failure).toBeInstanceOf(UpstreamProtocolError);
    expect(failure).toMatchObject({ status: 504, code: 'upstream_timeout', message: 'The upstream did not answer within 200 ms.' });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(300);
    expect(await upstreamClosed).toBe(true);
  });

  it('covers the whole of a buffered body, counted from the start of the call', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const reply = await transport({ baseUrl: upstream.url(), timeoutMs: 250 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const failure = await reply.buffer().catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(failure).toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(245);
    expect(elapsed).toBeLessThan(350);
    expect(await upstreamClosed).toBe(true);
  });

  it('does not apply to a streamed body', async () => {
    const upstream = await httpUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        response.write(`data: ${sent}\n\n`);
        if (++sent === 6) {
          clearInterval(timer);
          response.end();
        }
      }, 50);
    });
    const reply = await transport({ baseUrl: upstream.url(), timeoutMs: 100 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const streamed = record(reply);
    expect(await streamed.done).toBeNull();
    expect(streamed.body().toString()).toBe([0, 1, 2, 3, 4, 5].map((index) => `data: ${index}\n\n`).join(''));
  });
});

describe('timers', () => {
  it('are all gone once calls of every kind have ended', async () => {
    const upstream = await httpUpstream((request, response) => {
      if (request.url?.endsWith('/slow')) return void setTimeout(() => response.end('late'), 250);
      response.writeHead(request.url?.endsWith('/error') ? 500 : 200).end('body');
    });
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    // A long deadline, so that a timer left behind would still be there at the end.
    const own = new UpstreamTransport({ baseUrl: upstream.url(), timeoutMs: 60_000, retries: 1 });
    const quick = new UpstreamTransport({ baseUrl: upstream.url(), timeoutMs: 100, retries: 1 });
    for (let round = 0; round < 5; round++) {
      const presence = new TestPresence();
      await (await own.request({ method: 'GET', path: '/ok', headers: {} }, presence)).buffer();
      await (await own.request({ method: 'GET', path: '/error', headers: {} }, presence)).buffer();
      await record(await own.request({ method: 'GET', path: '/ok', headers: {} }, presence)).done;
      (await own.request({ method: 'GET', path: '/ok', headers: {} }, presence)).cancel();
      (await own.request({ method: 'GET', path: '/slow', headers: {} }, presence)).cancel();
      const leaving = own.request({ method: 'GET', path: '/slow', headers: {} }, presence).catch(() => undefined);
      presence.leave();
      await leaving;
      await quick.request({ method: 'GET', path: '/slow', headers: {} }, new TestPresence()).catch(() => undefined);
    }
    await quick.close();
    await own.close();
    // undici's own clock (a 0.5 s tick, unref'd) stops within a tick once no request needs it.
    await delay(1_100);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe('the client going away', () => {
  it('before the headers: ClientGoneError at once, and the upstream sees the request closed', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      setTimeout(() => presence.leave(), 30);
    });
    const presence = new TestPresence();
    const failure = await transport({ baseUrl: upstream.url() })
      .request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, presence)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ClientGoneError);
    expect(await upstreamClosed).toBe(true);
  });

  it('while the request waits for a socket: ClientGoneError at once, and it is never sent', async () => {
    const seen: string[] = [];
    const upstream = await httpUpstream((request, response) => {
      seen.push(request.url ?? '');
      setTimeout(() => response.end('{}'), 150);
    });
    const one = transport({ baseUrl: upstream.url(), connections: 1 });
    const first = one.request({ method: 'GET', path: '/first', headers: {} }, new TestPresence());
    const presence = new TestPresence();
    const queued = one.request({ method: 'GET', path: '/queued', headers: {} }, presence).catch((error: unknown) => error);
    await delay(30);
    const left = performance.now();
    presence.leave();
    expect(await queued).toBeInstanceOf(ClientGoneError);
    expect(performance.now() - left).toBeLessThan(20);
    await (await first).buffer();
    // The socket freed by the first request then takes the queued one, which is closed before a byte.
    const after = await one.request({ method: 'GET', path: '/after', headers: {} }, new TestPresence());
    await after.buffer();
    expect(seen).toEqual(['/v1/first', '/v1/after']);
  });

  it('already gone: nothing is sent', async () => {
    let requests = 0;
    const upstream = await httpUpstream((_request, response) => {
      requests++;
      response.end();
    });
    const presence = new TestPresence();
    presence.leave();
    await expect(transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, presence)).rejects.toBeInstanceOf(ClientGoneError);
    expect(requests).toBe(0);
  });

  it('during a stream: the consumer hears ClientGoneError and the upstream sees the request closed', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: first\n\n');
    });
    const presence = new TestPresence();
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'POST', path: '/responses', headers: {}, body: '{}' }, presence);
    const streamed = record(reply, () => presence.leave());
    expect(await streamed.done).toBeInstanceOf(ClientGoneError);
    expect(streamed.body().toString()).toBe('data: first\n\n');
    expect(await upstreamClosed).toBe(true);
  });

  it('during a buffered read: ClientGoneError, and the upstream sees the request closed', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(200).write('{"partial":');
    });
    const presence = new TestPresence();
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, presence);
    const body = reply.buffer();
    setTimeout(() => presence.leave(), 20);
    await expect(body).rejects.toBeInstanceOf(ClientGoneError);
    expect(await upstreamClosed).toBe(true);
  });
});

describe('a body that breaks off after the headers', () => {
  const breaking = () =>
    httpUpstream((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' }).write('x'.repeat(100));
      setTimeout(() => response.socket?.destroy(), 20);
    });

  it('is upstream_connection_broken when buffered', async () => {
    const upstream = await breaking();
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const failure = await reply.buffer().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      status: 502,
      code: 'upstream_connection_broken',
      message: 'The upstream connection broke while it was sending the response.',
    });
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });

  it('is upstream_stream_broken when streamed, after what did arrive', async () => {
    const upstream = await breaking();
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const streamed = record(reply);
    expect(await streamed.done).toMatchObject({ status: 502, code: 'upstream_stream_broken', message: 'The upstream connection broke during the stream.' });
    expect(streamed.body().toString()).toBe('x'.repeat(100));
  });
});

function pairs(raw: string[]): string[][] {
  const out: string[][] = [];
  for (let index = 0; index < raw.length; index += 2) out.push([raw[index]!, raw[index + 1]!]);
  return out;
}
