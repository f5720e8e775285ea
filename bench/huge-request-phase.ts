/**
 * The 800,000-message request of issue 12 as a phase of `npm run bench`: `huge-request.ts` in its
 * own process on the system-under-test CPU, one round, its JSON line read back. That script runs
 * the adapter from `src/` in its own process (with an upstream that reads without parsing), so this
 * runner still imports nothing from `src/`.
 */
import { fileURLToPath } from 'node:url';
import { runClient } from './children.js';
import type { HugeRequestResult } from './results-shape.js';

const script = fileURLToPath(new URL('./huge-request.ts', import.meta.url));

export async function measureHugeRequest(cpu: number, messages: number): Promise<HugeRequestResult> {
  const { code, stdout } = await runClient(cpu, process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    env: { HUGE_MESSAGES: String(messages), HUGE_ROUNDS: '1', NODE_ENV: 'production' },
    timeoutMs: 180_000,
  });
  const line = stdout.split('\n').find((text) => text.startsWith('{"round"'));
  if (code !== 0 || line === undefined) throw new Error(`huge request: the measuring process ended with ${code} and printed no result`);
  const round = JSON.parse(line) as Omit<HugeRequestResult, 'messages'>;
  return { messages, ...round };
}
