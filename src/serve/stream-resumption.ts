/**
 * `stream: true` in the background: one choice's run, read as one unbroken stream although its
 * connection may drop or stall. Every event's `sequence_number` is remembered; when the body breaks
 * off, ends without a terminal event, or is idle for STREAM_IDLE_TIMEOUT_MS, the run's events are
 * asked for again after the last one seen (`GET /responses/{id}?stream=true&starting_after=N`),
 * and any event not after it is dropped, so the client sees no delta twice and none missing.
 * Attempts in a row without a new event are bounded, with backoff; then the choice fails as a
 * foreground stream would, with the cause as its error frame.
 */
import type { RawUpstreamEvent } from '../types/responses-upstream.js';
import type { UpstreamCall } from '../upstream/call.js';
import type { BackgroundEnvironment, BackgroundRun, SettleReason } from './background-run.js';
import type { StreamReply } from './upstream-call.js';

/** What a reader offers to be resumed: a new body to read from, or the end. */
export interface ResumableReader {
  /** Reads on from a new connection (a fresh SSE reader: the old one may hold half an event). */
  restart(reply: StreamReply): void;
  /** Resumption is over: the choice fails with this cause. */
  giveUp(cause: unknown): void;
}

export class StreamResumption {
  private lastSequence: number | undefined;
  /** Resumptions since the last new event. */
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Waiting for a new connection: the idle watch holds off meanwhile. */
  reopening = false;
  private over = false;

  constructor(
    private readonly environment: BackgroundEnvironment,
    readonly run: BackgroundRun,
    /** The choice's call (in its scope): a resumption stops when the client goes. */
    private readonly call: UpstreamCall,
  ) {}

  /**
   * Notes an event; true when it was already seen (a resumed connection replays from the cursor,
   * and a relay may repeat itself) and must be dropped. Silent events (content_part.done…) are not
   * parsed, so their numbers are not known: the cursor is the last event read, and the silent ones
   * after it come again, harmlessly (they produce no chunk).
   */
  isRepeat(event: RawUpstreamEvent): boolean {
    const sequence = event.sequence_number;
    if (typeof sequence === 'number') {
      if (this.lastSequence !== undefined && sequence <= this.lastSequence) return true;
      this.lastSequence = sequence;
    }
    this.attempts = 0;
    const response = (event as { response?: { id?: unknown; status?: unknown } }).response;
    if (response && typeof response === 'object') {
      if (typeof response.id === 'string') this.run.started(response.id);
      this.run.sawStatus(response.status);
    }
    return false;
  }

  /**
   * Tries to read on after `cause` (the body broke, ended early, or went idle). False when it
   * cannot: the run's id is unknown (nothing was read), the client has gone, or the attempts are spent.
   */
  resume(reader: ResumableReader, cause: unknown): boolean {
    const { settings, log, metrics } = this.environment;
    const id = this.run.responseId;
    if (this.over || id === undefined || this.call.presence.gone || this.attempts >= settings.resumeAttempts) {
      if (id !== undefined && !this.over && !this.call.presence.gone) {
        log.warn({ responseId: id, attempts: this.attempts }, 'background stream could not be resumed: giving up');
      }
      return false;
    }
    const delay = settings.resumeBackoffMs * 4 ** this.attempts++;
    const after = this.lastSequence ?? -1;
    log.warn({ responseId: id, startingAfter: after, attempt: this.attempts, cause: cause instanceof Error ? cause.message : cause }, 'background stream broke off; resuming');
    this.reopening = true;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.environment.upstream.retrieveStream(id, after, this.call).then(
        (reply) => {
          this.reopening = false;
          if (this.over) return reply.cancel();
          metrics.countBackground('resume', 'ok');
          reader.restart(reply);
        },
        (error: unknown) => {
          this.reopening = false;
          if (this.over) return;
          metrics.countBackground('resume', 'failed');
          if (!this.resume(reader, error)) reader.giveUp(error);
        },
      );
    }, delay);
    return true;
  }

  /** The choice is over: no more resumptions, and the run is settled (cancelled when unfinished, deleted when owed). */
  close(reason: SettleReason): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    void this.run.settle(reason);
  }
}
