/**
 * Real Redis for the tests: a `redis-server` child process on a free port (no persistence), which a
 * test can stop and start again on the same port, and the shared server of the whole run (started
 * by redis-global-setup.ts, or given as TEST_REDIS_URL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { inject } from 'vitest';

export const HOW_TO_GET_REDIS =
  'These tests need a real Redis: install redis-server (Debian/Ubuntu: apt-get install -y redis-server; it is started on a free port for the run), or set TEST_REDIS_URL=redis://host:port to use a running one. `.ci/run` does both.';

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: as abrupt as a crash); its data is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedisServer(): Promise<RedisServer> {
  if (!redisServerInstalled()) throw new Error(HOW_TO_GET_REDIS);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${output}`)), 15_000);
      started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output}`));
      });
    });
    started.stdout!.resume();
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** The run's shared Redis; throws (failing the test) with how to get one when there is none. */
export function sharedRedisUrl(): string {
  const url = inject('redisUrl') || process.env.TEST_REDIS_URL || '';
  if (url === '') throw new Error(HOW_TO_GET_REDIS);
  return url;
}
