/**
 * One measurement of a target under load: the answer checked first, a warm-up, then the measured
 * wrk run with the CPU the target spent on it, repeated if other processes disturbed it. Problems
 * found on the way are collected, not thrown: a run with problems is reported as invalid.
 */
import type { BodyFiles } from './bodies.js';
import type { GuardedResult, QuietGuard } from './foreign-load.js';
import { cpuSeconds } from './proc-stats.js';
import type { MeasuredLoad, PrimingRound, TargetName } from './results-shape.js';
import { runLoad } from './wrk.js';

export interface Target {
  name: TargetName;
  url: string;
  /** The process serving the requests (the fake upstream for `direct`). */
  pid: number;
  bodyFiles: BodyFiles;
  /** One request checked in full; throws if the answer is wrong. */
  check(stream: boolean): Promise<void>;
}

export interface MeasurementSettings {
  seconds: number;
  warmUpSeconds: number;
  connections: number;
  /** The CPU of wrk and the other load clients. */
  loadCpu: number;
  progress: (message: string) => void;
}

export class Measurements {
  readonly problems: string[] = [];

  constructor(
    readonly settings: MeasurementSettings,
    readonly guard: QuietGuard,
  ) {}

  noteDisturbance(what: string, guarded: Omit<GuardedResult<unknown>, 'value'>): void {
    if (!guarded.disturbed) return;
    this.problems.push(
      `${what}: other processes used ${guarded.load.foreignPercent}% of a CPU (hypervisor steal ${guarded.load.stealPercent}%) ` +
        `during the measurement, over the ${this.guard.thresholdPercent}% allowed, after ${guarded.attempts} attempt(s)`,
    );
  }

  async load(
    target: Target,
    stream: boolean,
    connections: number,
    options: { bodyFile?: string; seconds?: number; label?: string } = {},
  ): Promise<MeasuredLoad> {
    const { warmUpSeconds, loadCpu, progress } = this.settings;
    const seconds = options.seconds ?? this.settings.seconds;
    const what =
      `${stream ? 'stream' : 'non-stream'}, ${connections} connection${connections === 1 ? '' : 's'}, ${target.name}` +
      (options.label ? `, ${options.label}` : '');
    progress(`${what} (${warmUpSeconds} s warm-up + ${seconds} s)`);
    await target.check(stream);
    const load = { url: target.url, bodyFile: options.bodyFile ?? target.bodyFiles[stream ? 'stream' : 'nonStream'], connections, cpu: loadCpu };
    await runLoad({ ...load, seconds: warmUpSeconds });
    const { value, ...guarded } = await this.guard.run(what, async () => {
      const before = cpuSeconds(target.pid);
      const result = await runLoad({ ...load, seconds });
      return { result, cpu: cpuSeconds(target.pid) - before };
    });
    const { result, cpu } = value;
    if (result.errors.total > 0) this.problems.push(`${what}: ${result.errors.total} failed requests ${JSON.stringify(result.errors)}`);
    if (result.requests === 0) this.problems.push(`${what}: no request completed`);
    this.noteDisturbance(what, guarded);
    return {
      ...result,
      cpuMsPerRequest: Number(((cpu * 1000) / Math.max(1, result.requests)).toFixed(4)),
      foreignCpuPercent: guarded.load.foreignPercent,
      stealPercent: guarded.load.stealPercent,
      attempts: guarded.attempts,
    };
  }

  /**
   * Brings a target to its steady speed before anything is measured: the adapter's JIT takes
   * thousands of requests to settle, far more than one short warm-up gives it at a few hundred
   * requests per second. Rounds of non-stream then stream load, until both rates move less than 10%
   * from one round to the next (at least 2 rounds, at most `maxRounds`).
   */
  async prime(target: Target, maxRounds: number): Promise<PrimingRound[]> {
    const { warmUpSeconds, connections, loadCpu, progress } = this.settings;
    await target.check(false);
    await target.check(true);
    const rounds: PrimingRound[] = [];
    const settled = (now: number, before: number): boolean => Math.abs(now - before) <= 0.1 * before;
    for (let round = 1; round <= maxRounds; round++) {
      progress(`priming ${target.name}, round ${round} (${warmUpSeconds} s non-stream + ${warmUpSeconds} s stream)`);
      const load = { url: target.url, connections, seconds: warmUpSeconds, cpu: loadCpu };
      const nonStream = (await runLoad({ ...load, bodyFile: target.bodyFiles.nonStream })).requestsPerSecond;
      const stream = (await runLoad({ ...load, bodyFile: target.bodyFiles.stream })).requestsPerSecond;
      rounds.push({ nonStream, stream });
      const previous = rounds.at(-2);
      if (previous && settled(nonStream, previous.nonStream) && settled(stream, previous.stream)) break;
    }
    return rounds;
  }
}
