/**
 * Micro-benchmark of the upstream transport against undici's own `pool.request()` and `fetch`,
 * on loopback, against a node:http upstream in its own process: a small POST answered with 1 KiB of
 * JSON, and a 50-event SSE answer read as a stream. Rounds alternate between clients (so drift in a
 * shared VM hits all of them alike); the median round is reported, with client CPU per request.
 *
 *   node --import tsx bench/transport-micro.ts [seconds per round, default 3] [concurrency, default 32]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { UpstreamTransport, type Presence } from '../src/upstream/transport.js';

const UPSTREAM = `
const http = require('node:http');
const json = Buffer.from(JSON.stringify({ id: 'resp_1', object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: 'x'.repeat(900) }] }] }));
const event = Buffer.from('event: response.output_text.delta\\ndata: {"type":"response.output_text.delta","delta":"hello"}\\n\\n');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.url.endsWith('/stream')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let index = 0; index < 50; index++) response.write(event);
      response.end();
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length });
      response.end(json);
    }
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const seconds = Number(process.argv[2] ?? 3);
const concurrency = Number(process.argv[3] ?? 32);
const requestBody = JSON.stringify({ model: 'gpt-5-mini', input: [{ role: 'user', content: 'Hello!' }], store: false });
const headers = { authorization: 'Bearer sk-bench', accept: 'application/json', 'content-type': 'application/json', 'x-client-request-id': 'req_bench' };
const presence: Presence = { gone: false, onGone() {} };

type Client = (path: string) => Promise<number>;

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number((await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value);
  const origin = `http://127.0.0.1:${port}`;

  const transport = new UpstreamTransport({ baseUrl: `${origin}/v1`, timeoutMs: 30_000, retries: 1 });
  const pool = new Pool(origin, { pipelining: 1, bodyTimeout: 0 });

  const json: Record<string, Client> = {
    transport: async (path) => (await (await transport.request({ method: 'POST', path, headers, body: requestBody }, presence)).buffer()).length,
    'undici pool.request': async (path) => {
      const response = await pool.request({ method: 'POST', path: `/v1${path}`, headers, body: requestBody });
      return (await response.body.arrayBuffer()).byteLength;
    },
    'fetch (Node built-in)': async (path) => {
      const response = await fetch(`${origin}/v1${path}`, { method: 'POST', headers, body: requestBody });
      return (await response.arrayBuffer()).byteLength;
    },
  };
  const stream: Record<string, Client> = {
    transport: async (path) => {
      const reply = await transport.request({ method: 'POST', path, headers, body: requestBody }, presence);
      return new Promise<number>((resolve, reject) => {
        let bytes = 0;
        reply.stream({ data: (chunk) => void (bytes += chunk.length), end: () => resolve(bytes), error: reject });
      });
    },
    'undici pool.request': async (path) => {
      const response = await pool.request({ method: 'POST', path: `/v1${path}`, headers, body: requestBody });
      let bytes = 0;
      for await (const chunk of response.body) bytes += (chunk as Buffer).length;
      return bytes;
    },
    'fetch (Node built-in)': async (path) => {
      const response = await fetch(`${origin}/v1${path}`, { method: 'POST', headers, body: requestBody });
      let bytes = 0;
      for await (const chunk of response.body!) bytes += chunk.length;
      return bytes;
    },
  };

  console.log(`${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${concurrency} concurrent, ${seconds} s rounds, median of 3`);
  for (const [mode, path, clients] of [
    ['POST → 1 KiB JSON, buffered', '/responses', json],
    ['POST → 50-event SSE, streamed', '/responses/stream', stream],
  ] as const) {
    const results: Record<string, Array<{ perSecond: number; cpuMicros: number }>> = {};
    for (const client of Object.values(clients)) await round(client, path, 0.5); // warm-up
    for (let repeat = 0; repeat < 3; repeat++) {
      for (const [name, client] of Object.entries(clients)) (results[name] ??= []).push(await round(client, path, seconds));
    }
    console.log(`\n${mode}`);
    const base = median(results.transport!.map((result) => result.perSecond));
    for (const [name, runs] of Object.entries(results)) {
      const perSecond = median(runs.map((result) => result.perSecond));
      const cpu = median(runs.map((result) => result.cpuMicros));
      console.log(`  ${name.padEnd(24)} ${perSecond.toFixed(0).padStart(7)} req/s   ${cpu.toFixed(0).padStart(4)} µs client CPU/request   transport = ${(base / perSecond).toFixed(2)}x`);
    }
  }

  await transport.close();
  await pool.close();
  child.kill();
}

async function round(client: Client, path: string, durationSeconds: number): Promise<{ perSecond: number; cpuMicros: number }> {
  const until = performance.now() + durationSeconds * 1000;
  let completed = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        if ((await client(path)) === 0) throw new Error('empty answer');
        completed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: completed / elapsed, cpuMicros: (used.user + used.system) / completed };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

await main();
