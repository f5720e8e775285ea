/**
 * One background run upstream, for one choice of one Chat request, from its id to its settling:
 * when the client no longer needs it, a run not yet finished is cancelled (once), and a run the
 * client did not ask to store is deleted (retried with backoff, logged, never shown to the client),
 * so nothing stays stored that Chat Completions would not have stored.
 */
import type { Logger } from 'pino';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { Redactor } from '../redaction.js';
import type { UpstreamCall } from '../upstream/call.js';
import { detached, type BackgroundSettings, type BackgroundUpstream } from './background-upstream.js';
import type { RunsInFlight, SettleableRun } from './runs-in-flight.js';

/** What every background run of an app shares. */
export interface BackgroundEnvironment {
  upstream: BackgroundUpstream;
  settings: BackgroundSettings;
  runs: RunsInFlight;
  metrics: AdapterMetrics;
  redactor: Redactor;
  log: Logger;
}

/** Why a run is settled: its answer is out, it failed, the client left, or the adapter is shutting down. */
export type SettleReason = 'answered' | 'failed' | 'client_gone' | 'shutdown';

const TERMINAL_STATUSES: ReadonlySet<unknown> = new Set(['completed', 'incomplete', 'failed', 'cancelled']);

export function isTerminalStatus(status: unknown): boolean {
  return TERMINAL_STATUSES.has(status);
}

export class BackgroundRun implements SettleableRun {
  responseId: string | undefined;
  private finished = false;
  private settling: Promise<void> | undefined;
  /** Cancel and delete outlive the client's request. */
  private readonly call: UpstreamCall;

  constructor(
    private readonly environment: BackgroundEnvironment,
    call: UpstreamCall,
    /** The client asked for `store: true`: the run stays stored upstream. */
    readonly storeAsked: boolean,
  ) {
    this.call = detached(call);
  }

  /** The run's id is known (its create answered, or its stream began). */
  started(responseId: string): void {
    if (this.responseId !== undefined) return;
    this.responseId = responseId;
    this.environment.metrics.countBackground('started', 'ok');
    void this.environment.runs.add(this, { responseId, deleteWhenSettled: !this.storeAsked, startedAt: Date.now() });
  }

  /** A status the upstream reported; a terminal one means there is nothing to cancel. */
  sawStatus(status: unknown): void {
    if (isTerminalStatus(status)) this.finished = true;
  }

  /** Cancels the run when unfinished, deletes it when owed. Once; later calls get the same promise. */
  settle(reason: SettleReason): Promise<void> {
    if (this.settling) return this.settling;
    this.settling = this.cancelAndDelete(reason);
    if (this.responseId !== undefined) this.environment.runs.settled(this, this.settling);
    return this.settling;
  }

  private async cancelAndDelete(reason: SettleReason): Promise<void> {
    const id = this.responseId;
    // No id: the run never began to answer, so there is nothing upstream to name.
    if (id === undefined) return;
    const { upstream, metrics, log } = this.environment;
    if (!this.finished) {
      try {
        await upstream.cancel(id, this.call);
        metrics.countBackground('cancel', 'ok');
        log.info({ responseId: id, reason }, 'background run cancelled upstream');
      } catch (error) {
        metrics.countBackground('cancel', 'failed');
        log.warn({ responseId: id, reason, error: this.told(error) }, 'background run could not be cancelled upstream');
      }
    }
    if (!this.storeAsked) await this.delete(id);
  }

  private async delete(id: string): Promise<void> {
    const { upstream, metrics, log, settings } = this.environment;
    for (let attempt = 0; attempt < settings.deleteAttempts; attempt++) {
      if (attempt > 0) await sleep(settings.deleteBackoffMs * 4 ** (attempt - 1));
      try {
        await upstream.delete(id, this.call);
        metrics.countBackground('delete', 'ok');
        log.debug({ responseId: id }, 'background run deleted upstream');
        return;
      } catch (error) {
        const last = attempt === settings.deleteAttempts - 1;
        metrics.countBackground('delete', 'failed');
        const fields = { responseId: id, attempt: attempt + 1, error: this.told(error) };
        if (last) log.error(fields, 'background run could not be deleted upstream: it stays stored until the upstream expires it');
        else log.warn(fields, 'background run delete failed; retrying');
      }
    }
  }

  /** An upstream failure as it may be logged: its message and code, keys redacted. */
  private told(error: unknown): unknown {
    return error instanceof Error ? this.environment.redactor.unexpected(error, this.call.authorization).message : error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
