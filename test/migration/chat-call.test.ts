import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callChatCompletions } from '../../src/migration/chat-call.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('callChatCompletions', () => {
  it('a refused connection is status 0 with the reason, never a throw', async () => {
    const side = await callChatCompletions({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1`, apiKey: undefined, request: {}, timeoutMs: 5000 });
    expect(side).toMatchObject({ status: 0, body: null, error: { status: 0, code: 'connection_error' } });
    expect(side.error?.message).toContain('ECONNREFUSED');
  });

  it('an answer slower than the timeout is a timeout', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const side = await callChatCompletions({ baseUrl: `http://127.0.0.1:${port}/v1/`, apiKey: 'k', request: {}, timeoutMs: 100 });
      expect(side.error).toMatchObject({ status: 0, code: 'timeout' });
      expect(side.latencyMs).toBeGreaterThanOrEqual(90);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('keeps a body that is not JSON as text', async () => {
    const server = createServer((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const side = await callChatCompletions({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: undefined, request: {}, timeoutMs: 5000 });
      expect(side).toMatchObject({ status: 502, body: '<h1>Bad gateway</h1>' });
    } finally {
      server.close();
    }
  });
});
