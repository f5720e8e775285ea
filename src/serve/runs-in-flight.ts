/**
 * The background runs this process has started and not yet settled, so that a shutdown can cancel
 * and delete the runs it cuts. Each is also recorded in a state store, by response id (not a
 * secret), with what is owed upstream; a shared store lets another replica see them.
 */
import type { Logger } from 'pino';
import type { StateStore } from '../state/store.js';

/** What is owed upstream for one run in flight. */
export interface RunRecord {
  responseId: string;
  /** The client did not ask for `store: true`: the run is deleted once settled. */
  deleteWhenSettled: boolean;
  /** `Date.now()` when the run was started. */
  startedAt: number;
}

/** A run that can be settled from outside (cancelled when unfinished, deleted when owed). */
export interface SettleableRun {
  readonly responseId: string | undefined;
  settle(reason: 'shutdown'): Promise<void>;
}

/** How long a shutdown waits for the cancels and deletes it starts. */
const SHUTDOWN_SETTLE_MS = 4000;

export class RunsInFlight {
  private readonly runs = new Set<SettleableRun>();
  /** Cancels and deletes under way: a shutdown lets them finish. */
  private readonly settling = new Set<Promise<void>>();

  constructor(
    private readonly store: StateStore<RunRecord>,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  /** A run whose id is known; recorded before anything can cut it. */
  async add(run: SettleableRun, record: RunRecord): Promise<void> {
    this.runs.add(run);
    await this.store.putAll(new Map([[keyOf(record.responseId), record]])).catch((error: unknown) => {
      this.log.warn({ err: error, responseId: record.responseId }, 'background run not recorded in the state store');
    });
  }

  /** A run's settling, tracked so that a shutdown waits for it; the record goes once it is done. */
  settled(run: SettleableRun, settling: Promise<void>): void {
    this.settling.add(settling);
    void settling.finally(() => {
      this.settling.delete(settling);
      this.runs.delete(run);
      if (run.responseId !== undefined) {
        this.store.deleteAll([keyOf(run.responseId)]).catch((error: unknown) => {
          this.log.warn({ err: error, responseId: run.responseId }, 'background run record not removed from the state store');
        });
      }
    });
  }

  /** Settles every run still in flight (a shutdown cut them); resolves when all are settled, or after a few seconds. */
  async settleAll(): Promise<number> {
    const count = this.runs.size;
    for (const run of [...this.runs]) void run.settle('shutdown');
    const all = Promise.allSettled([...this.settling]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_SETTLE_MS)))]);
    clearTimeout(timer);
    return count;
  }
}

function keyOf(responseId: string): string {
  return `background-run:${responseId}`;
}
