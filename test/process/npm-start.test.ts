import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest, spawnServer, type SpawnedServer } from '../helpers/spawned-server.js';

/** `npm start` as an operator runs it (prestart builds): the signal must reach the server, which must not outlive npm. */

let npm: SpawnedServer | undefined;
let serverPid: number | undefined;

afterEach(() => {
  if (npm && npm.child.exitCode === null) npm.child.kill('SIGKILL');
  if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const startedAt = Date.now(); Date.now() - startedAt < withinMs; await sleep(50)) if (!alive(pid)) return true;
  return !alive(pid);
}

async function startWithNpm(): Promise<{ port: number; pid: number }> {
  npm = spawnServer({ PORT: '0', HOST: '127.0.0.1', UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1', SHUTDOWN_GRACE_MS: '1000' }, ['npm', 'start', '--silent']);
  const listening = await npm.waitForLog((entry) => entry.msg === 'chat-responses-adapter listening', 120_000);
  serverPid = listening.pid as number;
  return { port: listening.port as number, pid: serverPid };
}

describe('npm start', () => {
  it('runs node itself as npm’s child (exec), so SIGTERM to npm drains the server and both exit 0', async () => {
    const { port, pid } = await startWithNpm();
    // No shell between npm and node: the server's parent is npm.
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]).toBe(String(npm!.child.pid));
    expect((await rawRequest(port, { path: '/healthz' })).status).toBe(200);

    npm!.child.kill('SIGTERM');
    const exit = await npm!.exited;
    expect(exit.code).toBe(0);
    expect(await gone(pid, 5000)).toBe(true);
    expect(npm!.logs.at(-1)).toMatchObject({ msg: 'shut down', finishedWithinGrace: true });
    expect(npm!.logs.find((entry) => entry.msg.startsWith('shutting down'))).toMatchObject({ reason: 'SIGTERM' });
    await expect(rawRequest(port, { path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);

  it('does not serve on when npm is killed without passing the signal on', async () => {
    const { port, pid } = await startWithNpm();
    npm!.child.kill('SIGKILL');
    await npm!.exited;
    expect(await gone(pid, 10_000)).toBe(true);
    await expect(rawRequest(port, { path: '/healthz' })).rejects.toThrow(/ECONNREFUSED/);
  }, 180_000);
});
