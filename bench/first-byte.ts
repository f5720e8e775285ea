/** Time to first byte of streams, sent one at a time by first-byte-client.mjs in its own process. */
import { fileURLToPath } from 'node:url';
import { runClient } from './children.js';
import type { Measurements, Target } from './measurement.js';
import type { FirstByteResult } from './results-shape.js';

const client = fileURLToPath(new URL('./first-byte-client.mjs', import.meta.url));
const WARM_UP_STREAMS = 50;

/** `marker`: what the last frame of a complete stream contains. */
export async function measureFirstByte(measurements: Measurements, target: Target, requests: number, marker: string): Promise<FirstByteResult> {
  const what = `time to first byte, ${target.name}`;
  measurements.settings.progress(`${what} (${requests} sequential streams)`);
  await target.check(true);
  const args = [client, target.url, target.bodyFiles.stream, String(requests), String(WARM_UP_STREAMS), marker];
  const { value, ...guarded } = await measurements.guard.run(what, () =>
    runClient(measurements.settings.loadCpu, process.execPath, args, { timeoutMs: 120_000 }),
  );
  if (value.code !== 0) throw new Error(`the first-byte client failed against ${target.name} (exit ${value.code}): ${value.stdout}`);
  const result = JSON.parse(value.stdout) as Omit<FirstByteResult, 'foreignCpuPercent'>;
  if (result.complete !== result.requests) measurements.problems.push(`${what}: ${result.requests - result.complete} streams incomplete`);
  measurements.noteDisturbance(what, guarded);
  return { ...result, foreignCpuPercent: guarded.load.foreignPercent };
}
