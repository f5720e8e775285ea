/** What the figures were measured on: they mean little without it. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  wrk: string;
  pinned: boolean;
  placement: string;
}

function osName(): string {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export function describeMachine(options: { wrk: string; pinned: boolean }): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    // Every CPU of the machine: availableParallelism would count only the CPUs this process is pinned to.
    cores: os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: osName(),
    kernel: os.release(),
    node: process.version,
    wrk: options.wrk,
    pinned: options.pinned,
    placement: options.pinned
      ? 'taskset: wrk, the other load clients, the fake upstream and this runner on CPU 0; the pipe or the adapter on CPU 1'
      : 'not pinned: every process shares every CPU (taskset missing or fewer than 2 CPUs)',
  };
}
