/**
 * WORKERS > 1: this process forks the workers that serve the port (node:cluster hands each new
 * connection to one of them) and only supervises them:
 *
 * - a worker that dies unasked is started again, after a pause that doubles with each crash of its
 *   slot (100 ms up to 10 s; back to 100 ms once it has served for a minute);
 * - workers that keep dying before they listen (port in use, a bad setting) are given up on:
 *   after three such starts in a row, the primary stops the others and exits 1;
 * - SIGTERM or SIGINT asks every worker to drain (they finish within SHUTDOWN_GRACE_MS as one
 *   process would), and the primary exits once they have all exited: 0 when they all exited 0.
 *   A second signal is passed on as one, which makes each worker end its drain at once (exit 1).
 *
 * Metrics: see worker-metrics.ts; each scrape, on any worker, gathers every worker's series.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { exit, SHUTDOWN_MESSAGE, watchParent } from '../run-server.js';
import { answerScrapes } from './primary-metrics.js';

/** Failed starts in a row (a worker gone before it listened, none listening since) before the primary gives up. */
const FAILED_STARTS_LIMIT = 3;
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 10_000;
/** A worker that served this long before dying is restarted as if it had never crashed. */
const STABLE_AFTER_MS = 60_000;
/** Past the workers' own forced exit (grace + 5 s), the primary kills what is left. */
const KILL_AFTER_GRACE_MS = 7000;

/** Environment variable a worker finds its slot (1..WORKERS) in; for its log lines only. */
export const WORKER_SLOT_VARIABLE = 'ADAPTER_WORKER_SLOT';

interface Slot {
  number: number;
  crashes: number;
  worker?: Worker;
  listeningAt?: number;
}

export function runPrimary({ config, logger }: { config: Config; logger: Logger }): void {
  const slots: Slot[] = Array.from({ length: config.workers }, (_, index) => ({ number: index + 1, crashes: 0 }));
  const slotOf = new Map<Worker, Slot>();
  let failedStarts = 0;
  let stopping: { reason: string; signals: number } | undefined;
  let exitCode = 0;

  const fork = (slot: Slot): void => {
    if (stopping) return;
    const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot.number) });
    slot.worker = worker;
    slot.listeningAt = undefined;
    slotOf.set(worker, slot);
    worker.once('listening', () => {
      slot.listeningAt = Date.now();
      failedStarts = 0;
    });
  };

  const stop = (reason: string): void => {
    if (stopping) {
      stopping.signals += 1;
      logger.warn({ reason }, 'shutdown forced: the workers end their requests now');
      for (const slot of slots) slot.worker?.process.kill('SIGTERM');
      exitCode = 1;
      return;
    }
    stopping = { reason, signals: 1 };
    logger.info({ reason, workers: liveWorkers().length, graceMs: config.shutdownGraceMs }, 'shutting down: every worker drains');
    for (const worker of liveWorkers()) sendShutdown(worker, reason);
    const kill = setTimeout(() => {
      logger.error({ reason }, 'workers still running long after the grace: killed');
      for (const worker of liveWorkers()) worker.process.kill('SIGKILL');
      exitCode = 1;
    }, config.shutdownGraceMs + KILL_AFTER_GRACE_MS);
    kill.unref();
    if (liveWorkers().length === 0) finish();
  };

  const finish = (): void => {
    logger.info({ reason: stopping?.reason, exitCode }, exitCode === 0 ? 'shut down: every worker drained' : 'shut down');
    exit(logger, exitCode);
  };

  const liveWorkers = (): Worker[] => slots.flatMap((slot) => (slot.worker && !slot.worker.isDead() ? [slot.worker] : []));

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf.get(worker);
    slotOf.delete(worker);
    if (!slot) return;
    if (slot.worker === worker) slot.worker = undefined;
    if (stopping) {
      if (code !== 0) exitCode = 1;
      if (liveWorkers().length === 0) finish();
      return;
    }
    const listened = slot.listeningAt !== undefined;
    if (!listened) failedStarts += 1;
    if (failedStarts >= FAILED_STARTS_LIMIT) {
      logger.fatal({ worker: slot.number, code, signal, failedStarts }, 'workers keep exiting before they listen: giving up');
      exitCode = 1;
      stop('workers failed to start');
      return;
    }
    if (listened && Date.now() - slot.listeningAt! >= STABLE_AFTER_MS) slot.crashes = 0;
    const delayMs = Math.min(FIRST_RESTART_DELAY_MS * 2 ** slot.crashes, MAX_RESTART_DELAY_MS);
    slot.crashes += 1;
    logger.error({ worker: slot.number, pid: worker.process.pid, code, signal, restartInMs: delayMs }, 'worker exited unexpectedly: starting it again');
    // Not unref'd: with every worker gone, this timer is what keeps the primary alive.
    setTimeout(() => fork(slot), delayMs);
  });

  answerScrapes(() => slots.flatMap((slot) => (slot.worker && !slot.worker.isDead() ? [{ worker: slot.worker, slot: slot.number }] : [])));

  logger.info({ workers: config.workers, port: config.port }, `starting ${config.workers} workers`);
  for (const slot of slots) fork(slot);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  watchParent((reason) => {
    if (!stopping) stop(reason);
  });
}

function sendShutdown(worker: Worker, reason: string): void {
  try {
    worker.send({ type: SHUTDOWN_MESSAGE, reason });
  } catch {
    // Its channel is closed: the worker drains on its own when it sees that (run-server.ts).
  }
}
