/**
 * One huge Chat request through the adapter: by default the 24 MB body of 800,000 short messages
 * of issue 12 (item 12). Prints the time to answer it, the slowest `GET /healthz` answered while it
 * was handled (sent back to back all along: how long any other client waited), and the peak RSS.
 *
 *   node --expose-gc --import tsx bench/huge-request.ts        (HUGE_MESSAGES=800000, HUGE_ROUNDS=3)
 *
 * The adapter runs in this process, in front of an upstream that reads the request without parsing
 * it and answers a short completion, so the figures are the adapter's own. Kept apart from
 * `bench/run.ts`.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logging.js';

const messages = Number(process.env.HUGE_MESSAGES ?? 800_000);
const rounds = Number(process.env.HUGE_ROUNDS ?? 3);
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const answer = JSON.stringify({
  id: 'resp_huge',
  object: 'response',
  created_at: 1_760_000_000,
  status: 'completed',
  model: 'gpt-5-mini',
  output: [{ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
  usage: { input_tokens: messages, output_tokens: 2, total_tokens: messages + 2 },
});
let upstreamBytes = 0;
const upstream = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (upstreamBytes += chunk.length));
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(answer));
});
const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const upstreamPort = await listen(upstream);

const config = loadConfig({ UPSTREAM_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`, UPSTREAM_API_KEY: 'sk-bench', ADAPTER_AUTH: 'none' });
const quiet = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const app = createApp({ config, logger: createLogger('warn', quiet) });
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as AddressInfo).port;

const parts = new Array<string>(messages);
for (let index = 0; index < messages; index++) parts[index] = `{"role":"user","content":"m${index % 10}"}`;
const body = Buffer.from(`{"model":"gpt-5-mini","messages":[${parts.join(',')}]}`);
parts.length = 0;

/** The chat request on node:http, which writes the body as it is (fetch would copy its 24 MB first). */
function post(payload: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (answered) => {
        const chunks: Buffer[] = [];
        answered.on('data', (chunk: Buffer) => chunks.push(chunk));
        answered.on('end', () => resolve({ status: answered.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    sent.on('error', reject);
    sent.end(payload);
  });
}

async function health(): Promise<number> {
  const started = performance.now();
  await (await fetch(`http://127.0.0.1:${port}/healthz`)).arrayBuffer();
  return performance.now() - started;
}

console.log(`${messages} messages, body ${mib(body.length)} MiB`);
await health();
for (let round = 1; round <= rounds; round++) {
  globalThis.gc?.();
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  upstreamBytes = 0;
  const started = performance.now();
  let done = false;
  const reply = post(body).then((answered) => ({ ...answered, ms: performance.now() - started }));
  void reply.finally(() => (done = true));
  let worstHealthMs = 0;
  let probes = 0;
  while (!done) {
    worstHealthMs = Math.max(worstHealthMs, await health());
    probes++;
  }
  const { status, text, ms } = await reply;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  globalThis.gc?.();
  const content = status === 200 ? (JSON.parse(text) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content : text.slice(0, 200);
  console.log(
    JSON.stringify({
      round,
      status,
      answer: content,
      answerMs: Math.round(ms),
      worstHealthMs: Math.round(worstHealthMs),
      healthProbes: probes,
      upstreamMiB: mib(upstreamBytes),
      rssBeforeMiB: mib(rssBefore),
      peakRssMiB: mib(peak),
      rssAfterGcMiB: mib(process.memoryUsage.rss()),
    }),
  );
}
server.close();
server.closeAllConnections();
await app.close();
upstream.close();
