/**
 * Memory with many slow streams open: a fresh process of the target, primed and settled, gets
 * 1,000 paced streams from slow-streams-client.mjs while its RSS is sampled every 100 ms.
 */
import { fileURLToPath } from 'node:url';
import { runClient, type ServerProcess } from './children.js';
import type { Measurements, Target } from './measurement.js';
import { cpuSeconds, memory, resetPeakMemory, sampleMemory } from './proc-stats.js';
import type { SlowStreamsResult } from './results-shape.js';

const client = fileURLToPath(new URL('./slow-streams-client.mjs', import.meta.url));
const CLIENT_TIMEOUT_MS = 60_000;

interface ClientReport {
  timedOut?: boolean;
  streams?: number;
  complete?: number;
  mostOpen?: number;
  failures?: Record<string, number>;
  wallSeconds?: number;
  streamSeconds?: { p50: number; max: number };
  clientCpuSeconds?: number;
}

export async function measureSlowStreams(
  measurements: Measurements,
  options: {
    name: 'pipe' | 'adapter';
    start: () => Promise<ServerProcess>;
    /** The target served by the fresh process. */
    target: (port: number, pid: number) => Target;
    bodyFile: string;
    streams: number;
    marker: string;
  },
): Promise<SlowStreamsResult> {
  const { name, streams, marker } = options;
  const what = `slow streams, ${name}`;
  measurements.settings.progress(`${streams} slow streams, ${name} (a fresh process)`);
  const server = await options.start();
  try {
    const target = options.target(server.port, server.pid);
    const url = target.url;
    // Warm, like a process that has served traffic, then settled; the peak counts from there.
    await measurements.prime(target, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { value, ...guarded } = await measurements.guard.run(what, async () => {
      const peakReset = resetPeakMemory(server.pid);
      const idle = memory(server.pid);
      const cpuBefore = cpuSeconds(server.pid);
      const sampler = sampleMemory(server.pid, 100);
      const args = [client, url, options.bodyFile, String(streams), marker, String(CLIENT_TIMEOUT_MS)];
      const { stdout } = await runClient(measurements.settings.loadCpu, process.execPath, args, { timeoutMs: CLIENT_TIMEOUT_MS + 30_000 });
      const { peakRssKiB, samples } = sampler.stop();
      return { peakReset, idle, stdout, peakRssKiB, samples, highWaterKiB: memory(server.pid).peakKiB, cpu: cpuSeconds(server.pid) - cpuBefore };
    });
    measurements.noteDisturbance(what, guarded);
    const { peakReset, idle, stdout, peakRssKiB, samples, highWaterKiB, cpu } = value;
    const report = JSON.parse(stdout || '{}') as ClientReport;
    const mostOpen = report.mostOpen ?? 0;
    const wallSeconds = report.wallSeconds ?? 0;
    const result: SlowStreamsResult = {
      streams: report.streams ?? streams,
      complete: report.complete ?? 0,
      mostOpen,
      failures: report.failures ?? {},
      wallSeconds,
      streamSeconds: report.streamSeconds ?? { p50: 0, max: 0 },
      idleRssKiB: idle.rssKiB,
      peakRssKiB,
      highWaterKiB,
      highWaterSince: peakReset ? 'the test' : 'the process start',
      // Per stream open at the peak: a target that falls behind never holds all of them at once.
      perStreamKiB: Number(((peakRssKiB - idle.rssKiB) / Math.max(1, mostOpen)).toFixed(2)),
      samples,
      cpuSeconds: Number(cpu.toFixed(2)),
      cpuBusyPercent: Math.round((100 * cpu) / Math.max(0.001, wallSeconds)),
      clientCpuSeconds: report.clientCpuSeconds ?? 0,
      foreignCpuPercent: guarded.load.foreignPercent,
    };
    if (report.timedOut) measurements.problems.push(`${what}: not all ended within ${CLIENT_TIMEOUT_MS / 1000} s`);
    if (result.complete !== streams) {
      measurements.problems.push(`${what}: ${result.complete} of ${streams} complete ${JSON.stringify(result.failures)}`);
    }
    return result;
  } finally {
    await server.stop();
  }
}
