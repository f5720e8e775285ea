/**
 * CPU used by processes that are not the benchmark's. The development machine is shared (other
 * sessions run type checks and tests on it), and a neighbour on the CPU of the system under test
 * halves its figures without a trace in them. Foreign CPU = what the whole machine spent minus what
 * the benchmark's processes spent, over the same interval.
 */
import { cpuSeconds, machineCpuSeconds, selfAndReapedChildrenSeconds } from './proc-stats.js';

export interface CpuSnapshot {
  at: number;
  busy: number;
  steal: number;
  ours: number;
}

/** `pids`: the benchmark's running servers. wrk and the clients count once reaped (as this process's children). */
export function snapshot(pids: number[]): CpuSnapshot {
  let ours = selfAndReapedChildrenSeconds();
  for (const pid of pids) {
    try {
      ours += cpuSeconds(pid);
    } catch {
      // A server that has exited: it is no longer ours to count, and not foreign either.
    }
  }
  const machine = machineCpuSeconds();
  return { at: performance.now(), busy: machine.busy, steal: machine.steal, ours };
}

export interface ForeignLoad {
  /** Foreign CPU over the interval, in percent of one CPU. */
  foreignPercent: number;
  /** CPU time the hypervisor gave to other guests, in percent of one CPU. */
  stealPercent: number;
}

export function foreignLoad(before: CpuSnapshot, after: CpuSnapshot): ForeignLoad {
  const seconds = Math.max(0.001, (after.at - before.at) / 1000);
  const foreign = after.busy - before.busy - (after.ours - before.ours);
  return {
    foreignPercent: Math.max(0, Math.round((100 * foreign) / seconds)),
    stealPercent: Math.round((100 * (after.steal - before.steal)) / seconds),
  };
}

/** Waits until a one-second window has less than `thresholdPercent` of foreign CPU; false if it never did within `maxWaitMs`. */
export async function waitForQuiet(pids: () => number[], thresholdPercent: number, maxWaitMs: number): Promise<boolean> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const before = snapshot(pids());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const load = foreignLoad(before, snapshot(pids()));
    if (load.foreignPercent + load.stealPercent < thresholdPercent) return true;
    if (performance.now() > deadline) return false;
  }
}

export interface GuardedResult<Value> {
  value: Value;
  load: ForeignLoad;
  attempts: number;
  disturbed: boolean;
}

/**
 * Runs measurements while the machine is quiet: waits for a quiet second first, and runs a
 * measurement again when foreign CPU went over the threshold during it. Waiting and repeating draw
 * on one budget for the whole benchmark, so a machine that never calms down cannot stretch the
 * run without bound; past it, a disturbed measurement is kept and reported as disturbed.
 */
export class QuietGuard {
  private budgetLeftMs: number;

  constructor(
    private readonly pids: () => number[],
    private readonly options: { thresholdPercent: number; budgetMs: number; attempts: number; log: (message: string) => void },
  ) {
    this.budgetLeftMs = options.budgetMs;
  }

  get thresholdPercent(): number {
    return this.options.thresholdPercent;
  }

  async run<Value>(what: string, task: () => Promise<Value>): Promise<GuardedResult<Value>> {
    for (let attempt = 1; ; attempt++) {
      if (this.budgetLeftMs > 0) {
        const waitStart = performance.now();
        const quiet = await waitForQuiet(this.pids, this.options.thresholdPercent, Math.min(this.budgetLeftMs, 30_000));
        const waited = performance.now() - waitStart;
        this.budgetLeftMs -= Math.max(0, waited - 1000); // the one quiet second is part of every run
        if (!quiet) this.options.log(`${what}: the machine is busy with other processes; measuring anyway`);
      }
      const before = snapshot(this.pids());
      const started = performance.now();
      const value = await task();
      const load = foreignLoad(before, snapshot(this.pids()));
      const disturbed = load.foreignPercent + load.stealPercent > this.options.thresholdPercent;
      if (!disturbed || attempt >= this.options.attempts || this.budgetLeftMs <= 0) return { value, load, attempts: attempt, disturbed };
      this.options.log(`${what}: other processes used ${load.foreignPercent}% of a CPU (steal ${load.stealPercent}%); measuring again`);
      this.budgetLeftMs -= performance.now() - started;
    }
  }
}
