/**
 * The benchmark's processes: each server and each load client runs in its own process, pinned to
 * one CPU when `taskset` is there, and every one is killed when the runner ends, however it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();
const servers = new Set<ChildProcess>();
let pinned = false;
let fileLimit: number | undefined;

/**
 * `pin`: run each process under `taskset -c <cpu>`. `fileLimit`: raise the open-file limit in each
 * child (through `sh -c 'ulimit -n'`), for a shell whose soft limit is below what 1,000 streams need.
 */
export function configureChildren(options: { pin: boolean; fileLimit?: number }): void {
  pinned = options.pin;
  fileLimit = options.fileLimit;
}

/** The command line for a program on one CPU. `exec` all the way down, so the pid is the program's own. */
function commandLine(cpu: number, program: string, args: string[]): string[] {
  let line = [program, ...args];
  if (pinned) line = ['taskset', '-c', String(cpu), ...line];
  if (fileLimit !== undefined) line = ['sh', '-c', `ulimit -n ${fileLimit} && exec "$@"`, 'sh', ...line];
  return line;
}

/**
 * `env` is the child's whole environment. Its stdin is a pipe nobody writes to: it closes when the
 * runner dies, even by SIGKILL, and the bench's own servers exit then (`BENCH_EXIT_WITH_PARENT`).
 */
function start(cpu: number, program: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [command, ...rest] = commandLine(cpu, program, args);
  const child = spawn(command!, rest, { env: { ...env, BENCH_EXIT_WITH_PARENT: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    servers.delete(child);
  });
  return child;
}

export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** The server's stop function; a server that ends without being stopped is reported on stderr. */
function stopper(name: string, child: ChildProcess): () => Promise<void> {
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`bench: the ${name} (pid ${child.pid}) exited on its own: ${signal ?? `exit code ${code}`}\n`);
  });
  return () =>
    new Promise((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
}

/** Starts a server that prints `listening <port>` on stdout when it is ready. */
export async function startAnnouncingServer(name: string, cpu: number, program: string, args: string[]): Promise<ServerProcess> {
  const child = start(cpu, program, args, process.env);
  servers.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const onData = (data: Buffer): void => {
      buffered += data.toString();
      const match = /listening (\d+)\n/.exec(buffered);
      if (!match) return;
      child.stdout!.off('data', onData).resume();
      child.off('exit', onExit);
      resolve(Number(match[1]));
    };
    const onExit = (code: number | null): void => reject(new Error(`${name} exited with ${code} before it was ready`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return { name, pid: child.pid!, port, stop: stopper(name, child) };
}

/**
 * Starts a server that announces nothing; ready once `healthUrl` answers 200. `env` is its whole
 * environment (nothing inherited, so no stray setting changes what is measured); stdout goes to `logFile`.
 */
export async function startPolledServer(
  name: string,
  cpu: number,
  program: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; port: number; healthUrl: string; logFile: string },
): Promise<ServerProcess> {
  const child = start(cpu, program, args, options.env);
  servers.add(child);
  child.stdout!.pipe(createWriteStream(options.logFile));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  for (let attempt = 0; ; attempt++) {
    if (exited !== undefined) throw new Error(`${name} exited with ${exited} before it was ready (log: ${options.logFile})`);
    const ready = await fetch(options.healthUrl).then((reply) => reply.ok, () => false);
    if (ready) break;
    if (attempt > 200) throw new Error(`${name} did not answer ${options.healthUrl} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { name, pid: child.pid!, port: options.port, stop: stopper(name, child) };
}

/** Runs a client to its end and returns its exit code and stdout; it is killed after `timeoutMs`. */
export async function runClient(
  cpu: number,
  program: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; stdout: string }> {
  const child = start(cpu, program, args, { ...process.env, ...options.env });
  let stdout = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  return { code, stdout };
}

/** Pids of the servers running now (the clients count once they have ended and been reaped). */
export function serverPids(): number[] {
  return [...servers].map((child) => child.pid!);
}

/** Kills every process still running; synchronous, so it also works from an `exit` handler. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** A port free right now on loopback, for a server that cannot report the one it bound. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
