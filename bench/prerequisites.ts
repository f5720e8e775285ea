/** What the benchmark needs from the machine, checked before anything starts. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** A whole number of seconds from the environment. */
export function secondsSetting(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be a whole number of seconds, at least ${minimum}; got '${raw}'.`);
  }
  return value;
}

/** Pinning needs taskset and a second CPU for the system under test. */
export function canPin(): boolean {
  if (os.availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-c', '0', 'true']).status === 0;
}

/** Puts this process (every thread) on one CPU. */
export function pinSelf(cpu: number): void {
  spawnSync('taskset', ['-a', '-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * The open-file limit to set in each child, or undefined when the current one is enough.
 * Throws when even the hard limit is too low.
 */
export function fileLimitFor(needed: number): number | undefined {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const parse = (text: string | undefined): number => (text === 'unlimited' ? Infinity : Number(text));
  const soft = parse(line?.[1]);
  const hard = parse(line?.[2]);
  if (soft >= needed) return undefined;
  if (hard < needed) throw new Error(`the open-file limit is ${soft} (hard ${hard}); ${needed} are needed: raise it (ulimit -n).`);
  return Math.min(hard, 65536);
}

export function buildAdapter(root: string): void {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
