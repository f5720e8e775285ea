/** Bodies: decoded when compressed, bounded when buffered, and streamed at the consumer's pace. */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { closedEarly, delay, httpUpstream, record, TestPresence, transport } from './transport-harness.js';

const TEXT = 'data: {"type":"response.output_text.delta","delta":"héllo"}\n\n'.repeat(200);

const encoders = {
  gzip: (body: Buffer) => zlib.gzipSync(body),
  deflate: (body: Buffer) => zlib.deflateSync(body),
  'deflate (raw, as some servers send it)': (body: Buffer) => zlib.deflateRawSync(body),
  br: (body: Buffer) => zlib.brotliCompressSync(body),
};

function compressed(name: keyof typeof encoders, body: Buffer): { coding: string; bytes: Buffer } {
  return { coding: name.split(' ')[0]!, bytes: encoders[name](body) };
}

/** An upstream answering with `bytes` under `coding`, written in a few pieces a little apart. */
async function compressingUpstream(coding: string, bytes: Buffer, status = 200) {
  return httpUpstream((_request, response) => {
    response.writeHead(status, { 'content-encoding': coding, 'content-length': String(bytes.length), 'content-type': 'text/event-stream' });
    const third = Math.ceil(bytes.length / 3);
    response.write(bytes.subarray(0, third));
    setTimeout(() => response.write(bytes.subarray(third, 2 * third)), 10);
    setTimeout(() => response.end(bytes.subarray(2 * third)), 20);
  });
}

describe('a compressed body', () => {
  it.each(Object.keys(encoders) as Array<keyof typeof encoders>)('is decoded when buffered: %s', async (name) => {
    const { coding, bytes } = compressed(name, Buffer.from(TEXT));
    const upstream = await compressingUpstream(coding, bytes);
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.headers['content-length']).toBeUndefined();
    expect((await reply.buffer()).toString()).toBe(TEXT);
  });

  it.each(Object.keys(encoders) as Array<keyof typeof encoders>)('is decoded when streamed: %s', async (name) => {
    const { coding, bytes } = compressed(name, Buffer.from(TEXT));
    const upstream = await compressingUpstream(coding, bytes);
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const streamed = record(reply);
    expect(await streamed.done).toBeNull();
    expect(streamed.body().toString()).toBe(TEXT);
  });

  it('that is corrupt breaks the buffered read, with the zlib error as cause', async () => {
    const upstream = await compressingUpstream('gzip', Buffer.concat([zlib.gzipSync(Buffer.from(TEXT)).subarray(0, 20), Buffer.alloc(200, 7)]));
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const failure = await reply.buffer().catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_connection_broken' });
    expect((failure as Error).cause).toMatchObject({ code: expect.stringMatching(/^Z_/) });
  });

  it('that is corrupt breaks the stream, with the zlib error as cause', async () => {
    const upstream = await compressingUpstream('br', Buffer.alloc(300, 0xff));
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const failure = await record(reply).done;
    expect(failure).toMatchObject({ status: 502, code: 'upstream_stream_broken' });
    expect((failure as Error).cause).toMatchObject({ code: expect.stringMatching(/^ERR_/) });
  });

  it('that decodes to more than maxBodyBytes fails with upstream_too_large', async () => {
    const upstream = await compressingUpstream('gzip', zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024)));
    const reply = await transport({ baseUrl: upstream.url(), maxBodyBytes: 1024 * 1024 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    await expect(reply.buffer()).rejects.toMatchObject({ status: 502, code: 'upstream_too_large', message: 'The upstream answer is larger than 1048576 bytes.' });
  });

  it('that is empty is empty, buffered or streamed, whatever its content-encoding says', async () => {
    const upstream = await httpUpstream((_request, response) => response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '0' }).end());
    const shared = transport({ baseUrl: upstream.url() });
    const buffered = await shared.request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    expect((await buffered.buffer()).length).toBe(0);
    const streamed = record(await shared.request({ method: 'GET', path: '/x', headers: {} }, new TestPresence()));
    expect(await streamed.done).toBeNull();
    expect(streamed.chunks).toHaveLength(0);
  });

  it('with a coding we cannot decode is a 502, not bytes passed on as text', async () => {
    const upstream = await httpUpstream((_request, response) => response.writeHead(200, { 'content-encoding': 'zstd' }).end('(\xb5/\xfd'));
    await expect(
      transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence()),
    ).rejects.toMatchObject({ status: 502, code: 'upstream_protocol_error' });
  });
});

describe('bounded buffers', () => {
  it('cut an error body at maxErrorBodyBytes and leave the rest unread', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(503, { 'content-type': 'text/html' });
      const piece = Buffer.alloc(16 * 1024, '<');
      const timer = setInterval(() => response.write(piece), 2);
      response.on('close', () => clearInterval(timer));
    });
    const reply = await transport({ baseUrl: upstream.url(), maxErrorBodyBytes: 1000 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    expect(reply.status).toBe(503);
    expect((await reply.buffer()).toString()).toBe('<'.repeat(1000));
    expect(await upstreamClosed).toBe(true);
  });

  it('cut a compressed error body after decoding what arrived', async () => {
    const page = Buffer.from(`{"error":{"message":"${'overloaded '.repeat(3000)}"}}`);
    const upstream = await compressingUpstream('gzip', zlib.gzipSync(page), 503);
    const reply = await transport({ baseUrl: upstream.url(), maxErrorBodyBytes: 500 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    expect((await reply.buffer()).toString()).toBe(page.subarray(0, 500).toString());
  });

  it('fail a success body larger than maxBodyBytes with upstream_too_large, closing the upstream request', async () => {
    let upstreamClosed: Promise<boolean> = Promise.resolve(false);
    const upstream = await httpUpstream((_request, response) => {
      upstreamClosed = closedEarly(response);
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(Buffer.alloc(64 * 1024, 32)), 2);
      response.on('close', () => clearInterval(timer));
    });
    const reply = await transport({ baseUrl: upstream.url(), maxBodyBytes: 256 * 1024 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    await expect(reply.buffer()).rejects.toMatchObject({ status: 502, code: 'upstream_too_large', message: 'The upstream answer is larger than 262144 bytes.' });
    expect(await upstreamClosed).toBe(true);
  });

  it('do not limit a stream', async () => {
    const upstream = await httpUpstream((_request, response) => response.end(Buffer.alloc(512 * 1024, 'e')));
    const reply = await transport({ baseUrl: upstream.url(), maxBodyBytes: 1024 }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    const streamed = record(reply);
    expect(await streamed.done).toBeNull();
    expect(streamed.body().length).toBe(512 * 1024);
  });
});

describe('backpressure', () => {
  it('a paused consumer blocks the upstream’s writes; on resume every byte comes, in order', async () => {
    const total = 32 * 1024 * 1024;
    const piece = 64 * 1024;
    const expected = Buffer.alloc(total);
    for (let offset = 0; offset < total; offset += 4) expected.writeUInt32BE(offset / 4, offset);
    const upstreamLog: Array<{ event: 'blocked' | 'drained'; at: number }> = [];
    const upstream = await httpUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      let offset = 0;
      const writeMore = () => {
        while (offset < total) {
          const ok = response.write(expected.subarray(offset, offset + piece));
          offset += piece;
          if (!ok) {
            upstreamLog.push({ event: 'blocked', at: performance.now() });
            response.once('drain', () => {
              upstreamLog.push({ event: 'drained', at: performance.now() });
              writeMore();
            });
            return;
          }
        }
        response.end();
      };
      writeMore();
    });
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    let resumedAt = 0;
    const streamed = record(reply, (_chunk, control, index) => {
      if (index !== 0) return true;
      setTimeout(() => {
        resumedAt = performance.now();
        control.resume();
      }, 300);
      return false;
    });
    // The kernel's loopback buffers take some megabytes before the upstream feels the pause; then
    // its writes block, and stay blocked while the consumer is paused.
    await delay(150);
    const stuckAfter = upstreamLog.length;
    expect(upstreamLog.at(-1)?.event).toBe('blocked');
    await delay(100);
    expect(upstreamLog).toHaveLength(stuckAfter);
    expect(streamed.chunks).toHaveLength(1);
    expect(resumedAt).toBe(0);
    expect(await streamed.done).toBeNull();
    expect(upstreamLog[stuckAfter]!.event).toBe('drained');
    expect(upstreamLog[stuckAfter]!.at).toBeGreaterThanOrEqual(resumedAt);
    expect(streamed.body().equals(expected)).toBe(true);
  });

  it('holds for a compressed stream too', async () => {
    const body = Buffer.from(TEXT.repeat(100));
    const bytes = zlib.gzipSync(body);
    const upstream = await httpUpstream((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' }).end(bytes);
    });
    const reply = await transport({ baseUrl: upstream.url() }).request({ method: 'GET', path: '/x', headers: {} }, new TestPresence());
    let paused = 0;
    const streamed = record(reply, (_chunk, control) => {
      paused++;
      setTimeout(() => control.resume(), 1);
      return false;
    });
    expect(await streamed.done).toBeNull();
    expect(paused).toBe(streamed.chunks.length);
    expect(streamed.body().equals(body)).toBe(true);
  });
});
