/**
 * `npm run bench`: what the adapter costs next to calling the upstream directly, and what an open
 * stream costs in memory. Everything runs on loopback against the fake upstream; bounded in count
 * and time. Results go to stdout and bench/results/latest.json.
 *
 *   1. non-stream round trip, direct vs through the adapter (p50/p99 latency, requests per second)
 *   2. streamed answer of 200 deltas, direct vs through the adapter (time to first chunk, total)
 *   3. the pure stream reducer alone (events per second)
 *   4. memory per open stream, and whether it stays flat over rounds of abandoned streams
 *
 * The fake upstream runs in its own process; for 1-2 the built adapter (`dist/server.js`) does too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logging.js';
import { createStreamState, step } from '../src/stream/reducer.js';
import { toResponsesRequest } from '../src/translate/request.js';
import { messageItem, responseObject, textStreamEvents } from '../test/helpers/fake-upstream.js';

const results: Record<string, unknown> = {};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function runConcurrent(total: number, concurrency: number, task: () => Promise<void>) {
  const latencies: number[] = [];
  let started = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        latencies.push(await timed(task));
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    concurrency,
    requestsPerSecond: Math.round(total / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
  };
}

const root = new URL('..', import.meta.url);

/** Starts a child process and resolves with its first line of output. */
async function startProcess(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(buffered.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, line };
}

/** Resident memory of another process, from /proc (Linux). */
function residentKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function startPair(holdAfter?: number) {
  const upstream = await startProcess(['--import', 'tsx', 'bench/fake-upstream-process.ts'], holdAfter === undefined ? {} : { HOLD_AFTER: String(holdAfter) });
  const port = 18000 + Math.floor(Math.random() * 2000);
  const adapter = spawn(process.execPath, ['dist/server.js'], {
    cwd: root,
    env: { ...process.env, UPSTREAM_BASE_URL: upstream.line, UPSTREAM_API_KEY: 'sk-bench', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`http://127.0.0.1:${port}/healthz`).then((reply) => reply.ok, () => false);
    if (ready) break;
    if (attempt > 100) throw new Error('the adapter did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    fakeUrl: upstream.line,
    adapterUrl: `http://127.0.0.1:${port}/v1`,
    adapterPid: adapter.pid!,
    stop() {
      adapter.kill();
      upstream.child.kill();
    },
  };
}

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
let pair = await startPair();
const { fakeUrl, adapterUrl } = pair;

const final = responseObject({ output: [messageItem('word '.repeat(200).trim())] });
const deltas = Array.from({ length: 200 }, (_, index) => (index === 0 ? 'word' : ' word'));

const chatBody = (stream: boolean) =>
  JSON.stringify({ model: 'gpt-test', stream, messages: [{ role: 'user', content: 'Say word 200 times.' }] });
const responsesBody = (stream: boolean) => JSON.stringify({ model: 'gpt-test', stream, input: 'Say word 200 times.' });
const post = (url: string, body: string, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body, signal: signal ?? null });

const progress = (stage: string) => process.stderr.write(`bench: ${stage}\n`);

// 1. Non-stream.
progress('non-stream round trips');
const directJson = await runConcurrent(1000, 10, async () => {
  await (await post(`${fakeUrl}/responses`, responsesBody(false))).arrayBuffer();
});
const adapterJson = await runConcurrent(1000, 10, async () => {
  await (await post(`${adapterUrl}/chat/completions`, chatBody(false))).arrayBuffer();
});
results.nonStream = { direct: directJson, adapter: adapterJson };

progress('streams');
// 2. Stream: time to first chunk and to the end.
async function streamOnce(url: string, body: string) {
  const start = performance.now();
  const reply = await post(url, body);
  const reader = reply.body!.getReader();
  let first = 0;
  for (;;) {
    const { done } = await reader.read();
    if (!first) first = performance.now() - start;
    if (done) break;
  }
  return { first, total: performance.now() - start };
}
async function streamSeries(url: string, body: string, count: number) {
  const firsts: number[] = [];
  const totals: number[] = [];
  for (let index = 0; index < count; index++) {
    const { first, total } = await streamOnce(url, body);
    firsts.push(first);
    totals.push(total);
  }
  firsts.sort((a, b) => a - b);
  totals.sort((a, b) => a - b);
  return {
    streams: count,
    firstChunkP50Ms: Number(percentile(firsts, 50).toFixed(2)),
    totalP50Ms: Number(percentile(totals, 50).toFixed(2)),
    totalP99Ms: Number(percentile(totals, 99).toFixed(2)),
  };
}
results.stream = {
  direct: await streamSeries(`${fakeUrl}/responses`, responsesBody(true), 200),
  adapter: await streamSeries(`${adapterUrl}/chat/completions`, chatBody(true), 200),
};

progress('reducer');
// 3. The reducer alone.
{
  const { context } = toResponsesRequest({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }] });
  const events = textStreamEvents(final, deltas);
  const rounds = 2000;
  const start = performance.now();
  for (let round = 0; round < rounds; round++) {
    const state = createStreamState(context, { reasoningContent: true });
    for (const event of events) step(state, event);
  }
  const seconds = (performance.now() - start) / 1000;
  results.reducer = { eventsPerSecond: Math.round((rounds * events.length) / seconds) };
}

progress('memory per open stream');
// 4. Memory per open stream: the adapter runs in this process (started with --expose-gc) so its
// heap can be read after a full collection; the fake upstream stays in its own process. Five
// rounds of 300 streams held open mid-answer, then abandoned: flat means the heap after each round
// stays where the first round left it.
{
  pair.stop();
  const upstream = await startProcess(['--import', 'tsx', 'bench/fake-upstream-process.ts'], { HOLD_AFTER: '8' });
  const app = createApp({ config: loadConfig({ UPSTREAM_BASE_URL: upstream.line, UPSTREAM_API_KEY: 'sk-bench' }), logger: createLogger('silent') });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  const collect = async () => {
    for (let pass = 0; pass < 3; pass++) {
      global.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return process.memoryUsage().heapUsed / 1024;
  };
  const open = 300;
  const heapAfterRoundMiB: number[] = [];
  let perStream = 0;
  for (let round = 0; round < 5; round++) {
    const before = await collect();
    const controllers = Array.from({ length: open }, () => new AbortController());
    await Promise.all(
      controllers.map(async (controller) => {
        const reply = await post(url, chatBody(true), controller.signal);
        await reply.body!.getReader().read(); // the first chunk has arrived: the stream is live
      }),
    );
    const during = await collect();
    if (round === 0) perStream = (during - before) / open;
    for (const controller of controllers) controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 300));
    heapAfterRoundMiB.push(Number(((await collect()) / 1024).toFixed(2)));
  }
  results.memory = {
    openStreamsPerRound: open,
    note: 'heap after full GC; the per-stream figure includes the client side of each socket (same process)',
    heapPerOpenStreamKiB: Number(perStream.toFixed(1)),
    heapAfterEachRoundMiB: heapAfterRoundMiB,
    growthFromSecondToLastRoundMiB: Number((heapAfterRoundMiB.at(-1)! - heapAfterRoundMiB[1]!).toFixed(2)),
  };
  server.closeAllConnections();
  server.close();
  upstream.child.kill();
}

console.log(JSON.stringify(results, null, 2));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
