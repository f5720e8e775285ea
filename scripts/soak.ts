/**
 * `npm run soak`: a bounded soak test. For SOAK_SECONDS (120) it keeps SOAK_CONCURRENCY (20) clients
 * busy against the adapter (in-process, `--expose-gc`) in front of the local fake upstream, mixing:
 *   - normal: a non-streaming answer, checked word for word;
 *   - streaming: a streamed answer, checked word for word and for its [DONE];
 *   - faulty: an upstream that fails (500, reset, HTML 502, truncated stream, broken JSON), checked
 *     for the clean OpenAI error it must become;
 *   - abandoned: a stream the client drops after its first words.
 * Every SOAK_SAMPLE_SECONDS (5) it forces a GC and samples heap and RSS. The report (JSON on stdout)
 * gives requests by kind, unexpected outcomes, latency p50/p99 by kind, the memory samples and a
 * verdict on whether memory stayed flat. Exits non-zero on an unexpected outcome, growing memory or
 * sockets left open.
 */
import { request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/http/logging.js';
import {
  messageItem,
  responseObject,
  startFakeUpstream,
  textStreamEvents,
  type RecordedRequest,
  type Reply,
} from '../tools/fake-upstream/index.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 120);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 20);
const sampleSeconds = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
/** Heap may wander this much between the two halves of the run (after warm-up) and still be flat. */
const flatToleranceMb = 5;

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const median = (values: number[]) => percentile([...values].sort((left, right) => left - right), 50);

// --- the upstream: its behaviour is chosen by the model name --------------------------------------

const words = Array.from({ length: 20 }, (_, index) => `word${index} `);
const answerText = words.join('');
const answer = () => responseObject({ output: [messageItem(answerText)] });
const streamEvents = () => textStreamEvents(answer(), words);
const firstDelta = streamEvents().findIndex((event) => event.type === 'response.output_text.delta');

const upstreamBehaviour: Record<string, (request: RecordedRequest) => Reply> = {
  'soak-normal': (request) => (request.body.stream ? { kind: 'stream', events: streamEvents() } : { kind: 'json', body: answer() }),
  'soak-hold': () => ({ kind: 'stream', events: streamEvents(), holdAfter: firstDelta + 1 }),
  'soak-fault-500': () => ({ kind: 'json', status: 500, body: { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } } }),
  'soak-fault-reset': () => ({ kind: 'destroy' }),
  'soak-fault-html': () => ({ kind: 'raw', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }),
  'soak-fault-truncated': () => ({ kind: 'stream', events: streamEvents().slice(0, -1) }),
  'soak-fault-json': () => ({
    kind: 'sse-text',
    text: `${streamEvents().slice(0, 2).map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}data: {"type":"response.output_text.delta",\n\n`,
  }),
};

const fake = await startFakeUpstream();
fake.setDefault((recorded) => (upstreamBehaviour[recorded.body.model] ?? upstreamBehaviour['soak-normal']!)(recorded));

// --- the adapter, in-process --------------------------------------------------------------------

let errorLogLines = 0;
const logSink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    errorLogLines += (chunk.toString('utf8').match(/"level":(50|60)/g) ?? []).length;
    callback();
  },
});
const config = loadConfig({ UPSTREAM_BASE_URL: fake.url, UPSTREAM_RETRIES: '0', STREAM_HEARTBEAT_MS: '0' });
const server = createApp({ config, logger: createLogger('info', logSink) }).listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const port = (server.address() as AddressInfo).port;
const adapterSockets = new Set<Socket>();
server.on('connection', (socket) => {
  adapterSockets.add(socket);
  socket.once('close', () => adapterSockets.delete(socket));
});

// --- the clients --------------------------------------------------------------------------------

interface Outcome {
  status: number;
  text: string;
}

/** One request on its own connection; `leaveWhen` drops the connection once the text so far satisfies it. */
function send(body: unknown, leaveWhen?: (text: string) => boolean): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const client = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', agent: false, headers: { 'content-type': 'application/json' } },
      (reply) => {
        let text = '';
        reply.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (leaveWhen?.(text)) {
            client.destroy();
            resolve({ status: reply.statusCode ?? 0, text });
          }
        });
        reply.on('end', () => resolve({ status: reply.statusCode ?? 0, text }));
        reply.on('error', reject);
      },
    );
    client.on('error', (error) => (leaveWhen ? undefined : reject(error)));
    client.end(JSON.stringify(body));
  });
}

const chat = (model: string, stream = false) => ({ model, messages: [{ role: 'user', content: 'Say twenty words.' }], stream });
const streamedContent = (text: string) =>
  text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map((frame) => JSON.parse(frame.slice(6)).choices?.[0]?.delta?.content ?? '')
    .join('');
const errorCode = (text: string) => {
  const last = text.trim().split('\n\n').at(-1)?.replace(/^data: /, '') ?? '';
  try {
    return JSON.parse(last).error?.code ?? null;
  } catch {
    return null;
  }
};

interface Scenario {
  kind: 'normal' | 'streaming' | 'faulty' | 'abandoned';
  run(): Promise<string | undefined>; // an unexpected outcome, described, or undefined
}

/** Each fault and the clean error it must become (a passed-through upstream 500 keeps its null code). */
const faults: Array<{ model: string; stream: boolean; status: number; code: string | null }> = [
  { model: 'soak-fault-500', stream: false, status: 500, code: null },
  { model: 'soak-fault-reset', stream: false, status: 502, code: 'upstream_unreachable' },
  { model: 'soak-fault-html', stream: true, status: 502, code: 'upstream_error' },
  { model: 'soak-fault-truncated', stream: true, status: 200, code: 'upstream_stream_truncated' },
  { model: 'soak-fault-json', stream: true, status: 502, code: 'upstream_protocol_error' },
];
let faultTurn = 0;

const scenarios: Scenario[] = [
  {
    kind: 'normal',
    async run() {
      const outcome = await send(chat('soak-normal'));
      const content = outcome.status === 200 ? JSON.parse(outcome.text).choices[0].message.content : undefined;
      return content === answerText ? undefined : `normal: ${outcome.status} ${outcome.text.slice(0, 200)}`;
    },
  },
  {
    kind: 'streaming',
    async run() {
      const outcome = await send(chat('soak-normal', true));
      const whole = outcome.text.endsWith('data: [DONE]\n\n') && streamedContent(outcome.text) === answerText;
      return outcome.status === 200 && whole ? undefined : `streaming: ${outcome.status} ${outcome.text.slice(-200)}`;
    },
  },
  {
    kind: 'abandoned',
    async run() {
      const outcome = await send(chat('soak-hold', true), (text) => text.includes('word0'));
      return outcome.status === 200 ? undefined : `abandoned: ${outcome.status}`;
    },
  },
  {
    kind: 'faulty',
    async run() {
      const { model, stream, status, code } = faults[faultTurn++ % faults.length]!;
      const outcome = await send(chat(model, stream));
      const actual = errorCode(outcome.text);
      return outcome.status === status && actual === code ? undefined : `${model}: ${outcome.status} ${actual}`;
    },
  },
];

const counts: Record<string, number> = {};
const latencies: Record<string, number[]> = {};
const unexpected: string[] = [];
let unexpectedCount = 0;
const samples: Array<{ atSeconds: number; heapUsedMb: number; rssMb: number; requests: number }> = [];
let requests = 0;

async function sample(startedAt: number): Promise<void> {
  globalThis.gc?.();
  await sleep(20);
  globalThis.gc?.();
  const usage = process.memoryUsage();
  samples.push({ atSeconds: Math.round((performance.now() - startedAt) / 1000), heapUsedMb: megabytes(usage.heapUsed), rssMb: megabytes(usage.rss), requests });
  // The fake keeps every request it saw; the soak is about the adapter's memory, not the fake's.
  fake.requests.splice(0);
}

const startedAt = performance.now();
const deadline = startedAt + seconds * 1000;
await sample(startedAt);
const sampler = setInterval(() => void sample(startedAt), sampleSeconds * 1000);
let turn = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const scenario = scenarios[turn++ % scenarios.length]!;
      const began = performance.now();
      let problem: string | undefined;
      try {
        problem = await scenario.run();
      } catch (error) {
        problem = `${scenario.kind}: ${error instanceof Error ? error.message : String(error)}`;
      }
      requests++;
      counts[scenario.kind] = (counts[scenario.kind] ?? 0) + 1;
      (latencies[scenario.kind] ??= []).push(performance.now() - began);
      if (problem) {
        unexpectedCount++;
        if (unexpected.length < 20) unexpected.push(problem);
      }
    }
  }),
);
clearInterval(sampler);
await sleep(4_000); // Node's fetch closes its idle replacement connections after 3 s
await sample(startedAt);

// Flat: after a warm-up fifth, the second half's median heap is within tolerance of the first half's.
const settled = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
const half = Math.floor(settled.length / 2);
const firstHalfMb = median(settled.slice(0, half).map((entry) => entry.heapUsedMb));
const secondHalfMb = median(settled.slice(half).map((entry) => entry.heapUsedMb));
const flat = settled.length < 4 || secondHalfMb - firstHalfMb <= flatToleranceMb;
const openSockets = { upstream: fake.openConnections(), adapter: adapterSockets.size };

const report = {
  seconds,
  concurrency,
  requests,
  requestsPerSecond: Math.round(requests / seconds),
  byKind: counts,
  unexpected: { count: unexpectedCount, examples: unexpected },
  /** Log lines at error level: the upstream 5xx and broken-upstream cases log one each, by design. */
  errorLogLines,
  latencyMs: Object.fromEntries(
    Object.entries(latencies).map(([kind, values]) => {
      const sorted = values.sort((left, right) => left - right);
      return [kind, { p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) }];
    }),
  ),
  memory: {
    gcAvailable: typeof globalThis.gc === 'function',
    samples,
    heapMedianFirstHalfMb: firstHalfMb,
    heapMedianSecondHalfMb: secondHalfMb,
    verdict: flat ? 'flat' : 'GROWING',
  },
  openSocketsAtEnd: openSockets,
};
console.log(JSON.stringify(report, null, 2));

server.closeAllConnections();
server.close();
await fake.close();
process.exitCode = unexpectedCount === 0 && flat && openSockets.upstream + openSockets.adapter === 0 ? 0 : 1;
