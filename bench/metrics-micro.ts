/**
 * The metrics work of one request, with the adapter's own registry and with prom-client 15, in
 * one process: the label lookups a chat request costs (request counter and duration, upstream
 * duration, time to first token, four token counters by model) and a scrape of the result.
 *
 *   npm install --no-save prom-client@15 && node --expose-gc --import tsx bench/metrics-micro.ts
 *
 * prom-client is not a dependency (the adapter does not use it); without it only ours is measured.
 */
import { Counter, Histogram, Registry } from '../src/metrics/registry.js';
import { BoundedLabel } from '../src/metrics/bounded-label.js';

const BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const MODELS = ['gpt-5-mini-2025-08-07', 'gpt-5-2025-08-07', 'gpt-4.1-2025-04-14', 'o4-mini-2025-04-16'];
const REQUESTS = Number(process.env.REQUESTS ?? 300_000);
const ROUNDS = 5;

interface PerRequest {
  name: string;
  record(index: number): void;
  render(): Promise<string> | string;
}

function ours(): PerRequest {
  const registry = new Registry();
  const requests = registry.register(new Counter('requests_total', 'h', ['route', 'mode', 'status_class']));
  const duration = registry.register(new Histogram('request_duration_seconds', 'h', ['route', 'mode'], BUCKETS));
  const upstream = registry.register(new Histogram('upstream_duration_seconds', 'h', ['status'], BUCKETS));
  const firstToken = registry.register(new Histogram('ttft_seconds', 'h', [], BUCKETS));
  const tokens = registry.register(new Counter('tokens_total', 'h', ['model', 'type']));
  const models = new BoundedLabel(50);
  return {
    name: 'own registry',
    record(index) {
      const mode = index % 2 === 0 ? 'stream' : 'json';
      requests.inc({ route: '/v1/chat/completions', mode, status_class: '2xx' });
      duration.observe({ route: '/v1/chat/completions', mode }, 0.4);
      upstream.observe({ status: '200' }, 0.3);
      if (mode === 'stream') firstToken.observe({}, 0.2);
      const model = models.of(MODELS[index % MODELS.length]!);
      tokens.inc({ model, type: 'input' }, 120);
      tokens.inc({ model, type: 'output' }, 40);
      tokens.inc({ model, type: 'cached' }, 64);
      tokens.inc({ model, type: 'reasoning' }, 16);
    },
    render: () => registry.render(),
  };
}

async function promClient(): Promise<PerRequest | undefined> {
  // Not a dependency: imported by a name the type checker does not resolve.
  const name = 'prom-client';
  let client: any;
  try {
    client = await import(name);
  } catch {
    return undefined;
  }
  const registry = new client.Registry();
  const requests = new client.Counter({ name: 'requests_total', help: 'h', labelNames: ['route', 'mode', 'status_class'], registers: [registry] });
  const duration = new client.Histogram({ name: 'request_duration_seconds', help: 'h', labelNames: ['route', 'mode'], buckets: BUCKETS, registers: [registry] });
  const upstream = new client.Histogram({ name: 'upstream_duration_seconds', help: 'h', labelNames: ['status'], buckets: BUCKETS, registers: [registry] });
  const firstToken = new client.Histogram({ name: 'ttft_seconds', help: 'h', buckets: BUCKETS, registers: [registry] });
  const tokens = new client.Counter({ name: 'tokens_total', help: 'h', labelNames: ['model', 'type'], registers: [registry] });
  const models = new BoundedLabel(50);
  return {
    name: 'prom-client 15',
    record(index) {
      const mode = index % 2 === 0 ? 'stream' : 'json';
      requests.inc({ route: '/v1/chat/completions', mode, status_class: '2xx' });
      duration.observe({ route: '/v1/chat/completions', mode }, 0.4);
      upstream.observe({ status: '200' }, 0.3);
      if (mode === 'stream') firstToken.observe(0.2);
      const model = models.of(MODELS[index % MODELS.length]!);
      tokens.inc({ model, type: 'input' }, 120);
      tokens.inc({ model, type: 'output' }, 40);
      tokens.inc({ model, type: 'cached' }, 64);
      tokens.inc({ model, type: 'reasoning' }, 16);
    },
    render: () => registry.metrics(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(subject: PerRequest): Promise<{ perRequestNs: number; scrapeMs: number }> {
  for (let index = 0; index < 50_000; index++) subject.record(index); // warm up
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    const started = process.hrtime.bigint();
    for (let index = 0; index < REQUESTS; index++) subject.record(index);
    rounds.push(Number(process.hrtime.bigint() - started) / REQUESTS);
  }
  const scrapes: number[] = [];
  for (let round = 0; round < 20; round++) {
    const started = process.hrtime.bigint();
    await subject.render();
    scrapes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { perRequestNs: median(rounds), scrapeMs: median(scrapes) };
}

const subjects = [ours(), await promClient()];
for (const subject of subjects) {
  if (!subject) {
    console.log('prom-client is not installed: npm install --no-save prom-client@15');
    continue;
  }
  const { perRequestNs, scrapeMs } = await measure(subject);
  console.log(`${subject.name.padEnd(16)} ${perRequestNs.toFixed(0).padStart(6)} ns of metrics per request (median of ${ROUNDS} x ${REQUESTS}), scrape ${scrapeMs.toFixed(3)} ms`);
}
