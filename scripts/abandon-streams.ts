/**
 * `npm run abandon`: opens ABANDON_STREAMS (1,000) streams through the adapter, ABANDON_CONCURRENCY
 * (100) at a time, and drops each client connection as soon as its first words arrive. Reports, as
 * JSON: how many upstream requests the adapter aborted, the upstream sockets still open after a short
 * settle, heap and RSS before and after (after a forced GC), and the delay between a client going
 * away and the upstream seeing its request closed (target: p99 under 100 ms).
 *
 * Runs the adapter in-process (`--expose-gc`) in front of a local upstream that sends the first
 * words and then holds the stream open, as a model that is still thinking would. Exits non-zero only
 * on a leak: an upstream request never aborted, a socket left open, or heap that did not come back.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logging.js';

const streams = Number(process.env.ABANDON_STREAMS ?? 1_000);
const concurrency = Number(process.env.ABANDON_CONCURRENCY ?? 100);
/** Node's fetch replaces each connection it tears down with an idle one that it closes after 3 s. */
const settleMs = Number(process.env.ABANDON_SETTLE_MS ?? 4_000);
const heapLeakThresholdMb = 32;
const abortDelayTargetMs = 100;

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function memory(): Promise<{ heapUsedMb: number; rssMb: number }> {
  for (let round = 0; round < 3; round++) {
    globalThis.gc?.();
    await sleep(50);
  }
  const usage = process.memoryUsage();
  return { heapUsedMb: megabytes(usage.heapUsed), rssMb: megabytes(usage.rss) };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

// --- the upstream: first words, then silence until the adapter lets go --------------------------

const snapshot = { id: 'resp_abandon', object: 'response', created_at: 1_760_000_000, model: 'gpt-test', status: 'in_progress', output: [] };
const openingEvents = [
  { type: 'response.created', response: snapshot },
  { type: 'response.in_progress', response: snapshot },
  { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
  { type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
  { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'First words' },
]
  .map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`)
  .join('');

const upstreamClosedAt = new Map<string, number>();
const upstreamSockets = new Map<Socket, { carriedRequest: boolean }>();
let upstreamRequests = 0;
let upstreamAborts = 0;

const upstream = createServer((incoming, outgoing) => {
  upstreamRequests++;
  const id = String(incoming.headers['x-client-request-id']);
  const socketState = upstreamSockets.get(incoming.socket);
  if (socketState) socketState.carriedRequest = true;
  outgoing.once('close', () => {
    if (outgoing.writableFinished) return;
    upstreamAborts++;
    upstreamClosedAt.set(id, performance.now());
  });
  incoming.resume();
  incoming.once('end', () => {
    outgoing.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    outgoing.write(openingEvents);
  });
});
upstream.on('connection', (socket) => {
  upstreamSockets.set(socket, { carriedRequest: false });
  socket.once('close', () => upstreamSockets.delete(socket));
});
const upstreamPort = await listen(upstream);

// --- the adapter, in-process --------------------------------------------------------------------

const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const config = loadConfig({ UPSTREAM_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`, UPSTREAM_RETRIES: '0', STREAM_HEARTBEAT_MS: '0' });
const adapter = createApp({ config, logger: createLogger('info', discard) }).listen(0, '127.0.0.1');
await new Promise<void>((resolve) => adapter.once('listening', () => resolve()));
const adapterPort = (adapter.address() as AddressInfo).port;
const adapterSockets = new Set<Socket>();
adapter.on('connection', (socket) => {
  adapterSockets.add(socket);
  socket.once('close', () => adapterSockets.delete(socket));
});

// --- the clients --------------------------------------------------------------------------------

const clientLeftAt = new Map<string, number>();
const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Say something long.' }], stream: true });
let clientFailures = 0;

/** One stream on its own connection, dropped when its first words arrive. */
function abandonOne(id: string): Promise<void> {
  return new Promise((resolve) => {
    const client = request(
      {
        host: '127.0.0.1',
        port: adapterPort,
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-request-id': id },
      },
      (answer) => {
        let text = '';
        answer.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (!text.includes('First words') || clientLeftAt.has(id)) return;
          clientLeftAt.set(id, performance.now());
          client.destroy();
          resolve();
        });
        answer.on('end', () => {
          clientFailures++;
          resolve();
        });
      },
    );
    client.on('error', () => {
      if (!clientLeftAt.has(id)) clientFailures++;
      resolve();
    });
    client.end(body);
  });
}

async function abandonMany(count: number, prefix: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await abandonOne(`${prefix}-${next++}`);
    }),
  );
}

await abandonMany(50, 'warmup');
await sleep(settleMs);
const before = await memory();
const startedAt = performance.now();
await abandonMany(streams, 'abandon');
const elapsedMs = performance.now() - startedAt;
await sleep(500);
const openAfterShortSettle = [...upstreamSockets.values()];
await sleep(settleMs);
const after = await memory();

const delays = [...clientLeftAt]
  .filter(([id]) => id.startsWith('abandon-'))
  .map(([id, leftAt]) => (upstreamClosedAt.get(id) ?? Infinity) - leftAt)
  .sort((left, right) => left - right);
const neverAborted = delays.filter((delay) => delay === Infinity).length;
const measured = delays.filter(Number.isFinite);
const heapGrowthMb = Math.round((after.heapUsedMb - before.heapUsedMb) * 10) / 10;
const openUpstreamSockets = upstreamSockets.size;

const leaks = [
  ...(neverAborted > 0 ? [`${neverAborted} upstream requests never aborted`] : []),
  ...(openUpstreamSockets > 0 ? [`${openUpstreamSockets} upstream sockets still open`] : []),
  ...(adapterSockets.size > 0 ? [`${adapterSockets.size} client sockets still open on the adapter`] : []),
  ...(heapGrowthMb > heapLeakThresholdMb ? [`heap grew ${heapGrowthMb} MB`] : []),
];
const report = {
  streams,
  concurrency,
  elapsedMs: Math.round(elapsedMs),
  clientFailures,
  upstream: {
    requests: upstreamRequests,
    abortedByAdapter: upstreamAborts,
    openSocketsAfter500Ms: {
      carryingAnAbandonedRequest: openAfterShortSettle.filter((socket) => socket.carriedRequest).length,
      idleNeverUsed: openAfterShortSettle.filter((socket) => !socket.carriedRequest).length,
    },
    [`openSocketsAfter${settleMs}Ms`]: openUpstreamSockets,
  },
  adapterClientSocketsOpen: adapterSockets.size,
  memory: { before, after, heapGrowthMb, gcAvailable: typeof globalThis.gc === 'function' },
  abortDelayMs: {
    p50: Number(percentile(measured, 50).toFixed(2)),
    p99: Number(percentile(measured, 99).toFixed(2)),
    max: Number((measured.at(-1) ?? 0).toFixed(2)),
    targetP99: abortDelayTargetMs,
    withinTarget: percentile(measured, 99) < abortDelayTargetMs,
  },
  leaks,
  verdict: leaks.length === 0 ? 'no leak' : 'LEAK',
};
console.log(JSON.stringify(report, null, 2));

adapter.closeAllConnections();
adapter.close();
upstream.closeAllConnections();
upstream.close();
process.exitCode = leaks.length === 0 ? 0 : 1;
