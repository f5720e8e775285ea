/** Load runs with wrk: a fixed number of keep-alive connections POSTing one body for a fixed time. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runClient } from './children.js';

const script = fileURLToPath(new URL('./wrk-post.lua', import.meta.url));

export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Socket errors and timeouts, and `status`: answers that were not 2xx or 3xx. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number; total: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  errors: Omit<LoadResult['errors'], 'total'>;
  latencyUs: { mean: number; max: number; p50: number; p90: number; p99: number };
}

/** wrk's version line, or undefined when wrk is not installed. */
export function wrkVersion(): string | undefined {
  // wrk has no version flag: any unknown one prints the usage, which starts with the version.
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (result.error) return undefined;
  const first = `${result.stdout}${result.stderr}`.split('\n')[0] ?? '';
  return first.replace(/ Copyright.*/, '').trim() || 'wrk (unknown version)';
}

const milliseconds = (microseconds: number): number => Number((microseconds / 1000).toFixed(3));

export async function runLoad(options: {
  url: string;
  bodyFile: string;
  connections: number;
  seconds: number;
  cpu: number;
}): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '10s', '-s', script, options.url];
  const { code, stdout } = await runClient(options.cpu, 'wrk', args, {
    env: { WRK_BODY_FILE: options.bodyFile },
    timeoutMs: (options.seconds + 30) * 1000,
  });
  const line = stdout.split('\n').find((text) => text.startsWith('WRK_RESULT '));
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (exit ${code}) against ${options.url}:\n${stdout}`);
  const summary = JSON.parse(line.slice('WRK_RESULT '.length)) as WrkSummary;
  const seconds = summary.durationUs / 1e6;
  const errors = summary.errors;
  return {
    requests: summary.requests,
    seconds: Number(seconds.toFixed(3)),
    requestsPerSecond: Math.round(summary.requests / seconds),
    errors: { ...errors, total: errors.connect + errors.read + errors.write + errors.status + errors.timeout },
    latencyMs: {
      mean: milliseconds(summary.latencyUs.mean),
      p50: milliseconds(summary.latencyUs.p50),
      p90: milliseconds(summary.latencyUs.p90),
      p99: milliseconds(summary.latencyUs.p99),
      max: milliseconds(summary.latencyUs.max),
    },
  };
}
