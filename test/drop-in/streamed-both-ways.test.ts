/**
 * Passed-through bodies are streamed both ways, never collected: an upload reaches the upstream
 * while the client is still sending it, an answer reaches the client while the upstream is still
 * sending it, and a client that does not read holds the upstream back.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, collect, raw, startAdapter, until, type RunningAdapter } from './adapter.js';
import { bodyOf, patternBytes, startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
let adapter: RunningAdapter;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

async function start(env: Record<string, string> = {}): Promise<void> {
  upstream = await startApiUpstream();
  adapter = await startAdapter(upstream.url, env);
}

function open(path: string, headers: Record<string, string>, method = 'POST'): { outgoing: ClientRequest; answer: Promise<IncomingMessage> } {
  let outgoing!: ClientRequest;
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing = httpRequest({ host: '127.0.0.1', port: adapter.port, method, path, headers, agent: false }, resolve);
    outgoing.on('error', reject);
  });
  return { outgoing, answer };
}

const echoUpload = async (request: IncomingMessage, response: import('node:http').ServerResponse, seen: import('./api-upstream.js').SeenRequest) => {
  const body = await bodyOf(request, seen);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ bytes: body.length }));
};

describe('an upload', () => {
  it.each([
    { framing: 'with a content-length', headers: (length: number) => ({ 'content-length': String(length) }) },
    { framing: 'chunked', headers: () => ({}) },
  ])('$framing reaches the upstream while the client is still sending it, byte for byte', async ({ headers }) => {
    await start();
    upstream.route('POST', '/v1/uploads/upload_1/parts', echoUpload);
    const content = patternBytes(2 * 1024 * 1024);
    const half = content.length / 2;
    const { outgoing, answer } = open('/v1/uploads/upload_1/parts', { 'content-type': 'application/octet-stream', authorization: 'Bearer sk-client-1', ...headers(content.length) });
    outgoing.write(content.subarray(0, half));

    // Half sent, the rest held back: a buffering adapter would send nothing yet.
    await until(() => (upstream.requests[0]?.received ?? 0) >= half, 'the first half upstream');
    expect(upstream.requests[0]!.complete).toBe(false);
    outgoing.end(content.subarray(half));

    const answered = await collect(await answer);
    expect({ status: answered.status, body: answered.json() }).toEqual({ status: 200, body: { bytes: content.length } });
    const seen = upstream.requests[0]!;
    expect(seen.body.equals(content)).toBe(true);
    if ('content-length' in headers(0)) expect(seen.headers['content-length']).toBe(String(content.length));
    else expect(seen.headers['transfer-encoding']).toBe('chunked');
  });

  it('compressed by the client is decoded on the way (as the JSON routes do)', async () => {
    await start();
    const body = JSON.stringify({ model: 'text-embedding-3-small', input: 'x'.repeat(10_000), encoding_format: 'float' });
    const answer = await raw(adapter.port, {
      method: 'POST',
      path: '/v1/embeddings',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(answer.status).toBe(200);
    const seen = upstream.requests[0]!;
    expect(seen.body.toString()).toBe(body);
    expect(seen.headers['content-encoding']).toBeUndefined();
  });

  it('in an encoding the adapter cannot decode: 415, the upstream is not called', async () => {
    await start();
    const answer = await raw(adapter.port, { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: 'x' });
    expect({ status: answer.status, body: answer.json() }).toEqual({
      status: 415,
      body: { error: { message: 'Unsupported content encoding "zstd".', type: 'invalid_request_error', param: null, code: null } },
    });
    expect(upstream.requests).toEqual([]);
  });

  it('that the client abandons halfway is cut off upstream too', async () => {
    await start();
    let upstreamSawAbort = false;
    upstream.route('POST', '/v1/files', (request) => {
      request.on('aborted', () => (upstreamSawAbort = true));
      request.on('close', () => (upstreamSawAbort ||= !request.complete));
    });
    const { outgoing, answer } = open('/v1/files', { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(1024 * 1024) });
    answer.catch(() => {});
    outgoing.write(patternBytes(256 * 1024));
    await until(() => (upstream.requests[0]?.received ?? 0) > 0, 'the upload to start upstream');
    outgoing.destroy();

    await until(() => upstreamSawAbort, 'the upstream to see the upload cut off');
    expect(upstream.requests).toHaveLength(1);
  });

  it('that the upstream refuses before reading it all: the client gets the upstream answer', async () => {
    await start();
    upstream.route('POST', '/v1/files', (_request, response) => {
      const body = JSON.stringify({ error: { message: 'File too large.', type: 'invalid_request_error', param: 'file', code: 'file_too_large' } });
      response.writeHead(413, { 'content-type': 'application/json', 'content-length': String(body.length), connection: 'close' });
      response.end(body);
    });
    const { outgoing, answer } = open('/v1/files', { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(8 * 1024 * 1024) });
    outgoing.on('error', () => {});
    outgoing.write(patternBytes(64 * 1024));

    const answered = await collect(await answer);
    outgoing.destroy();
    expect({ status: answered.status, body: answered.json() }).toEqual({
      status: 413,
      body: { error: { message: 'File too large.', type: 'invalid_request_error', param: 'file', code: 'file_too_large' } },
    });
  });
});

describe('an answer', () => {
  it('reaches the client while the upstream is still sending it, with the headers that describe it', async () => {
    await start();
    const content = patternBytes(1024 * 1024, 3);
    let sendRest = (): void => {};
    upstream.route('GET', '/v1/files/file-1/content', (_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(content.length),
        'content-disposition': 'attachment; filename="data.jsonl"',
        'openai-version': '2020-10-01',
        'x-request-id': 'req_upstream_1',
        'set-cookie': 'upstream=1',
      });
      response.write(content.subarray(0, content.length / 2));
      sendRest = () => response.end(content.subarray(content.length / 2));
    });
    const { outgoing, answer } = open('/v1/files/file-1/content', {}, 'GET');
    outgoing.end();
    const answered = await answer;
    const chunks: Buffer[] = [];
    answered.on('data', (chunk: Buffer) => chunks.push(chunk));
    await until(() => Buffer.concat(chunks).length >= content.length / 2, 'the first half at the client');
    sendRest();
    await new Promise((resolve) => answered.once('end', resolve));

    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect(answered.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(content.length),
      'content-disposition': 'attachment; filename="data.jsonl"',
      'openai-version': '2020-10-01',
    });
    // The adapter's own request id; the upstream's cookies stay with the adapter.
    expect(answered.headers['x-request-id']).not.toBe('req_upstream_1');
    expect(answered.headers['set-cookie']).toBeUndefined();
  });

  it('to a client that does not read holds the upstream back', async () => {
    await start();
    const total = 64 * 1024 * 1024;
    let written = 0;
    upstream.route('GET', '/v1/files/file-big/content', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
      const piece = Buffer.alloc(64 * 1024, 1);
      while (written < total && !response.destroyed) {
        written += piece.length;
        if (!response.write(piece)) await drainedOrClosed(response);
      }
      response.end();
    });
    const { outgoing, answer } = open('/v1/files/file-big/content', {}, 'GET');
    outgoing.end();
    const answered = await answer;
    answered.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const whilePaused = written;

    // Socket buffers hold a few MiB on loopback; the rest waits for the client.
    expect(whilePaused).toBeLessThan(total / 2);
    let read = 0;
    answered.on('data', (chunk: Buffer) => (read += chunk.length));
    answered.resume();
    await new Promise((resolve) => answered.once('end', resolve));
    expect(read).toBe(total);
  });

  it('that the upstream breaks off breaks off at the client too (no clean end)', async () => {
    await start();
    upstream.route('GET', '/v1/files/file-2/content', (request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
      response.write(Buffer.alloc(1000));
      setTimeout(() => request.socket.destroy(), 50);
    });
    const { outgoing, answer } = open('/v1/files/file-2/content', {}, 'GET');
    outgoing.end();
    const answered = await answer;
    const outcome = await new Promise<string>((resolve) => {
      answered.on('data', () => {});
      answered.once('end', () => resolve('end'));
      answered.once('error', () => resolve('error'));
      answered.once('aborted', () => resolve('aborted'));
    });
    expect(outcome).not.toBe('end');
  });
});

function drainedOrClosed(response: import('node:http').ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}
