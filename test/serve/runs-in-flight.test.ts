/** The record of background runs in flight (src/serve/runs-in-flight.ts). */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RunsInFlight, type RunRecord, type SettleableRun } from '../../src/serve/runs-in-flight.js';
import { MemoryStore } from '../../src/state/memory-store.js';

const log = pino({ level: 'silent' });
const record = (responseId: string): RunRecord => ({ responseId, deleteWhenSettled: true, startedAt: 1 });

describe('RunsInFlight', () => {
  it('records a run in the state store until it is settled', async () => {
    const store = new MemoryStore<RunRecord>(1 << 20, 60_000, () => 64);
    const runs = new RunsInFlight(store, log);
    let finish: () => void = () => {};
    const run: SettleableRun = { responseId: 'resp_1', settle: async () => {} };
    await runs.add(run, record('resp_1'));
    expect(await store.getAll(['background-run:resp_1'])).toEqual(new Map([['background-run:resp_1', record('resp_1')]]));

    runs.settled(run, new Promise<void>((resolve) => (finish = resolve)));
    expect(runs.size).toBe(1);
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs.size).toBe(0);
    expect((await store.getAll(['background-run:resp_1'])).size).toBe(0);
  });

  it('settles every run still in flight at shutdown and waits for them', async () => {
    const runs = new RunsInFlight(new MemoryStore<RunRecord>(1 << 20, 60_000, () => 64), log);
    const settledBy: string[] = [];
    for (const id of ['resp_a', 'resp_b']) {
      const run: SettleableRun = {
        responseId: id,
        settle: (reason) => {
          const done = new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => void settledBy.push(`${id} ${reason}`));
          runs.settled(run, done);
          return done;
        },
      };
      await runs.add(run, record(id));
    }
    expect(await runs.settleAll()).toBe(2);
    expect(settledBy.sort()).toEqual(['resp_a shutdown', 'resp_b shutdown']);
  });
});
