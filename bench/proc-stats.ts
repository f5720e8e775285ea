/** CPU time and memory of another process, read from /proc (Linux only). */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

function clockTicksPerSecond(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

const ticksPerSecond = clockTicksPerSecond();

/** Fields 14 to 17 of /proc/<pid>/stat in seconds: utime, stime, and the same for its reaped children. */
function processTimes(pid: number | 'self'): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // The list above starts at field 3.
  return {
    own: (fields[11]! + fields[12]!) / ticksPerSecond,
    children: (fields[13]! + fields[14]!) / ticksPerSecond,
  };
}

/** User plus system CPU seconds the process has used so far (resolution: one clock tick, usually 10 ms). */
export function cpuSeconds(pid: number): number {
  return processTimes(pid).own;
}

/** This process's CPU seconds plus those of every child it has reaped (wrk and the clients, once they end). */
export function selfAndReapedChildrenSeconds(): number {
  const times = processTimes('self');
  return times.own + times.children;
}

/** CPU seconds the whole machine has spent running processes (user, nice, system), and stolen by the hypervisor. */
export function machineCpuSeconds(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, user, nice, system, , , , , steal] = line.trim().split(/\s+/).map(Number);
  return { busy: (user! + nice! + system!) / ticksPerSecond, steal: (steal ?? 0) / ticksPerSecond };
}

export interface Memory {
  /** Resident set size now. */
  rssKiB: number;
  /** The highest resident set size since the process started. */
  peakKiB: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** Resets VmHWM to the current RSS (`clear_refs` 5); false where the kernel does not allow it. */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's resident memory every `intervalMs` until stopped; returns the highest sample. */
export function sampleMemory(pid: number, intervalMs: number): { stop(): { peakRssKiB: number; samples: number } } {
  let peakRssKiB = 0;
  let samples = 0;
  const sample = (): void => {
    try {
      peakRssKiB = Math.max(peakRssKiB, memory(pid).rssKiB);
      samples++;
    } catch {
      // The process is gone; its last samples stand.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRssKiB, samples };
    },
  };
}
