/**
 * `stream: true`, framework-free. Every choice's upstream must answer before a byte is written, so
 * that a refusal of any of them (a 429 is likely with several calls at once) reaches the client as
 * an HTTP status. Then nothing is written until the first real output (or the end), so an upstream
 * error before it still gets its status and a JSON body; after it, errors go in-band as one
 * `data: {"error": ...}` frame. With `n` > 1 the choices' streams are interleaved under one envelope.
 *
 * Bytes are pushed from the upstream, never pulled: each upstream read is split into events, each
 * event reduced to chunks, and all the chunks of one read are written to the client in one write.
 * When the client is slow, the upstream is paused until it drains.
 */
import type { Logger } from 'pino';
import { ApiError, ClientGoneError, InvalidRequestError, UpstreamProtocolError } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import type { Redactor } from '../redaction.js';
import { ChunkEncoder } from '../stream/chunk-encoder.js';
import { ChoiceMerger, usageChunk } from '../stream/merge-choices.js';
import { createStreamState, finish, step, type StreamEnd, type StreamState } from '../stream/reducer.js';
import type { ResponseTranslationOptions } from '../translate/chat-envelope.js';
import type { ChatCompletionChunk } from '../types/chat.js';
import type { RawUpstreamEvent, UpstreamResponse } from '../types/responses-upstream.js';
import type { BodyConsumer, BodyControl } from '../upstream/call.js';
import { CallScope, type UpstreamCall } from '../upstream/call.js';
import { EventStreamReader, type EventStreamListener } from '../upstream/event-stream.js';
import type { AnswerObserver } from './answer-observer.js';
import type { ChunkSink } from './chunk-sink.js';
import type { StreamEntry } from './open-streams.js';
import { noteStream } from './request-outcome.js';
import { unreadableUpstream } from './unreadable-upstream.js';
import type { ResumableReader, StreamResumption } from './stream-resumption.js';
import type { ChatPlan, StreamReply, UpstreamCaller } from './upstream-call.js';

export interface StreamSettings {
  /** A choice with no upstream event (comments do not count) for this long fails with 504. */
  idleTimeoutMs: number;
  /** Nothing written for this long: headers, then `: keepalive` comments. 0 turns it off. */
  heartbeatMs: number;
  /** Longest SSE line or event read from the upstream. */
  maxEventBytes: number;
}

export interface StreamServeDependencies {
  caller: UpstreamCaller;
  continuity: ReasoningContinuity;
  metrics: AdapterMetrics;
  redactor: Redactor;
  answerOptions: ResponseTranslationOptions;
  settings: StreamSettings;
  /** This stream's place among the open streams, so a shutdown can end it. */
  entry?: StreamEntry;
  observer?: AnswerObserver;
}

/** Told when the first output of the stream goes out (time to first token). */
export interface OutputWatcher {
  outputStarted(): void;
}

/** Node fires longer timers after 1 ms instead (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export async function serveStream(
  dependencies: StreamServeDependencies,
  plan: ChatPlan,
  call: UpstreamCall,
  sink: ChunkSink,
  watcher: OutputWatcher,
  log: Logger,
): Promise<void> {
  const session = new StreamSession(dependencies, plan, call, sink, watcher, log);
  const scope = new CallScope(call.presence);
  dependencies.entry?.bind((error) => session.abort(error, scope));
  let replies: StreamReply[];
  try {
    replies = await Promise.all(session.choices.map(() => dependencies.caller.stream(plan, scope.of(call))));
  } catch (error) {
    scope.cancel();
    dependencies.metrics.countUpstreamError(error);
    throw session.failure ?? error; // rendered with its status by the HTTP layer
  }
  await session.run(replies, scope);
  noteStream(call.outcome, session.choices);

  if (call.presence.gone) return; // the client left; nothing to say
  const { failure } = session;
  if (failure) {
    dependencies.metrics.countUpstreamError(failure);
    const written = session.writtenBeforeFailure();
    if (!sink.isOpen) throw failure;
    const told = dependencies.redactor.error(failure, call.authorization).toBody();
    log.warn({ error: told.error }, failure.code === 'shutting_down' ? 'stream ended: the adapter is shutting down' : 'stream ended by an upstream error');
    sink.end(`${written}data: ${JSON.stringify(told)}\n\n`);
    return;
  }
  await session.finishWell();
  const unknownEvents = session.choices.reduce((sum, choice) => sum + choice.state.unknownEvents, 0);
  if (unknownEvents > 0) log.debug({ unknownEvents }, 'unknown upstream events ignored');
  dependencies.metrics.countUnknownEvents(unknownEvents);
}

/** One client stream and the choices that feed it. */
class StreamSession {
  readonly choices: ChoiceReader[];
  failure: ApiError | undefined;
  private readonly encoder = new ChunkEncoder();
  private readonly merger: ChoiceMerger;
  /** Frames produced and not yet written: held until the first output, else written once per upstream read. */
  private pending = '';
  private upstreamHeaders: Record<string, string> = {};
  private readonly captures: Array<Promise<void>> = [];
  /** The client has gone (its runs in the background are cancelled). */
  get clientGone(): boolean {
    return this.call.presence.gone;
  }
  private waitingForDrain = false;
  private open = 0;
  private finished: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly dependencies: StreamServeDependencies,
    readonly plan: ChatPlan,
    private readonly call: UpstreamCall,
    private readonly sink: ChunkSink,
    private readonly watcher: OutputWatcher,
    private readonly log: Logger,
  ) {
    const { context, request } = plan.translated;
    this.merger = new ChoiceMerger(context.n);
    this.choices = Array.from(
      { length: context.n },
      (_, index) => new ChoiceReader(this, createStreamState(context, dependencies.answerOptions, index, request.model)),
    );
  }

  /** Reads every choice to its end (or the first failure, or the client leaving). */
  run(replies: StreamReply[], scope: CallScope): Promise<void> {
    return new Promise<void>((resolve) => {
      this.finished = resolve;
      this.upstreamHeaders = replies[0]?.headers ?? {};
      scope.onGone(() => this.stopAll());
      this.startHeartbeat();
      this.open = this.choices.length;
      this.choices.forEach((choice, index) => choice.start(replies[index]!));
    });
  }

  /** A chunk of one choice, in the order produced. */
  deliver(chunk: ChatCompletionChunk, state: StreamState): void {
    this.pending += this.encoder.encode(this.merger.stamp(chunk));
    if (state.hasOutput) this.watcher.outputStarted();
  }

  /**
   * Writes what one upstream read produced. False when the client is slow: the caller pauses its
   * upstream until the client has drained.
   */
  flush(): boolean {
    if (!this.sink.isOpen) {
      const started = this.choices.some((choice) => choice.state.hasOutput || choice.endedWell);
      if (!started) return true;
      this.sink.open(this.upstreamHeaders);
    }
    if (this.pending === '') return !this.waitingForDrain;
    const text = this.pending;
    this.pending = '';
    if (this.sink.write(text) || this.sink.closed) return true;
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.sink.onDrain(() => {
        this.waitingForDrain = false;
        for (const choice of this.choices) choice.resume();
      });
    }
    return false;
  }

  get slowClient(): boolean {
    return this.waitingForDrain;
  }

  capture(response: UpstreamResponse): void {
    const captured = this.dependencies.continuity.capture(this.plan.prepared, response).catch((error: unknown) => {
      this.log.warn({ err: error }, 'reasoning not remembered');
    });
    this.captures.push(captured);
  }

  /**
   * After a failure: the output already produced but not yet written, which the client must see
   * before the error (the headers are sent when there is any). Empty when nothing was shown.
   */
  writtenBeforeFailure(): string {
    if (!this.sink.isOpen && this.choices.some((choice) => choice.state.hasOutput)) this.sink.open(this.upstreamHeaders);
    const text = this.sink.isOpen ? this.pending : '';
    this.pending = '';
    return text;
  }

  /** Ends the stream from outside (a shutdown); before the upstreams have answered, their calls are cancelled. */
  abort(error: ApiError, scope: CallScope): void {
    if (this.finished) {
      this.fail(error);
      return;
    }
    this.failure ??= error;
    scope.cancel();
  }

  fail(error: unknown): void {
    if (this.failure === undefined) this.failure = asApiError(error, this.call.presence.gone);
    this.stopAll();
  }

  /** Reading the upstream's events failed: its SSE, or a field the reducer cannot read (a 502, not a 500). */
  failReading(error: unknown): void {
    if (this.failure !== undefined) return this.stopAll();
    this.fail(unreadableUpstream(error, this.log, this.dependencies.redactor, this.call.authorization));
  }

  choiceClosed(): void {
    this.open--;
    if (this.open > 0) return;
    clearInterval(this.heartbeat);
    this.finished?.();
  }

  /** Every choice finished: what is held, the usage chunk when asked, then `[DONE]`. */
  async finishWell(): Promise<void> {
    await Promise.all(this.captures);
    if (!this.sink.isOpen) this.sink.open(this.upstreamHeaders);
    let rest = this.pending;
    this.pending = '';
    const { context } = this.plan.translated;
    const first = this.choices[0]!.state;
    await this.observeAnswer(first.id);
    if (context.includeUsage && this.choices.every((choice) => choice.state.usage)) {
      const envelope = this.merger.envelope ?? { id: first.id, created: first.created, model: first.model };
      const usages = this.choices.map((choice) => choice.state.usage!);
      rest += this.encoder.encode(usageChunk(envelope, first.serviceTier, usages));
    }
    this.sink.end(`${rest}data: [DONE]\n\n`);
  }

  /** Before `[DONE]`: a client that asks for its stored completion right after finds it. */
  private async observeAnswer(firstId: string): Promise<void> {
    const { observer } = this.dependencies;
    if (!observer) return;
    const responses = this.choices.map((choice) => choice.completed);
    if (responses.some((response) => response === undefined)) {
      // Cut by a stop sequence and closed before its terminal event: there is no whole Response to tell of.
      if (this.plan.translated.request.store) this.log.warn('stored completion not indexed: a choice ended without its final Response');
      return;
    }
    await observer.answered({ plan: this.plan, call: this.call, chatId: this.merger.envelope?.id ?? firstId, responses: responses as UpstreamResponse[] });
  }

  private stopAll(): void {
    for (const choice of this.choices) choice.stop();
  }

  private startHeartbeat(): void {
    const every = this.dependencies.settings.heartbeatMs;
    if (every <= 0) return;
    this.heartbeat = setInterval(() => {
      if (performance.now() - this.sink.lastWriteAt < every || this.waitingForDrain) return;
      if (!this.sink.isOpen) this.sink.open(this.upstreamHeaders);
      // Whatever is held goes first, so the frames keep their order.
      const text = `${this.pending}: keepalive\n\n`;
      this.pending = '';
      this.sink.write(text);
    }, Math.min(every, LONGEST_TIMER_MS));
  }
}

/**
 * One choice: its upstream body, through the SSE reader and the reducer, into the session. A
 * background run's body is resumed where it broke off (see stream-resumption.ts).
 */
class ChoiceReader implements BodyConsumer, EventStreamListener, ResumableReader {
  private reader: EventStreamReader;
  private control: BodyControl | undefined;
  private resumption: StreamResumption | undefined;
  private outcome: StreamEnd | undefined;
  /** The finished Response, once its terminal event has arrived. */
  completed: UpstreamResponse | undefined;
  private paused = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: StreamSession,
    readonly state: StreamState,
  ) {
    this.reader = new EventStreamReader(this, session.dependencies.settings.maxEventBytes);
  }

  get finishReason(): string | null {
    return this.outcome?.kind === 'finished' ? this.outcome.finishReason : null;
  }

  /** Ended with a finish chunk (or a stop), not a failure. */
  get endedWell(): boolean {
    return this.outcome?.kind === 'finished';
  }

  start(reply: StreamReply): void {
    this.resumption = reply.resumption;
    this.reader.lastProgressAt = performance.now();
    this.armIdleTimer(this.session.dependencies.settings.idleTimeoutMs);
    this.control = reply.read(this);
  }

  // ---- resumption (background runs) ----

  restart(reply: StreamReply): void {
    if (this.closed) return reply.cancel();
    this.reader = new EventStreamReader(this, this.session.dependencies.settings.maxEventBytes);
    this.paused = false;
    this.control = reply.read(this);
  }

  giveUp(cause: unknown): void {
    if (!this.closed) this.session.fail(cause);
  }

  /** Reads on from where the body broke off, when it is a background run's; false when it cannot. */
  private resumed(cause: unknown): boolean {
    if (this.closed || this.outcome || !this.resumption) return false;
    this.control?.cancel();
    this.control = undefined;
    // The wait for the new connection counts as idle time only from now.
    this.reader.lastProgressAt = performance.now();
    return this.resumption.resume(this, cause);
  }

  // ---- the upstream body ----

  data(chunk: Buffer): boolean {
    if (this.closed) return true;
    // One try for every event of the read: the reducer reads leniently, and what slips through is the upstream's.
    try {
      this.reader.push(chunk);
    } catch (error) {
      this.session.failReading(error);
      return true;
    }
    if (this.session.failure) return true;
    const drained = this.session.flush();
    if (this.closed) return true;
    if (!drained) this.paused = true;
    return drained;
  }

  end(): void {
    if (this.closed) return;
    // Half an event at the break is dropped with the old reader: the resumed stream repeats it whole.
    if (this.resumed(new UpstreamProtocolError('The upstream stream ended before its last event.', 'upstream_stream_truncated'))) return;
    try {
      this.reader.end();
    } catch (error) {
      this.session.failReading(error);
      return;
    }
    this.session.flush();
    this.bodyEnded();
  }

  error(error: Error): void {
    if (this.closed) return;
    if (!this.session.clientGone && this.resumed(error)) return;
    this.session.fail(error);
  }

  // ---- its events ----

  onEvent(event: RawUpstreamEvent): void {
    if (this.closed) return;
    if (this.resumption?.isRepeat(event)) return;
    const result = step(this.state, event);
    if (result.completed) {
      this.completed = result.completed;
      this.session.capture(result.completed);
    }
    if (this.outcome) {
      // After a stop sequence: reading on only for the end (its usage, the whole stored Response).
      if (this.state.usage !== undefined) this.close();
      return;
    }
    for (const chunk of result.chunks) this.session.deliver(chunk, this.state);
    if (result.end) this.ended(result.end);
  }

  onDone(): void {
    this.bodyEnded();
  }

  // ---- control ----

  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    // The wait was the client's, not the upstream's.
    this.reader.lastProgressAt = performance.now();
    this.control?.resume();
  }

  /** Stops reading (another choice failed, or the client left). */
  stop(): void {
    if (this.closed) return;
    this.close();
  }

  private bodyEnded(): void {
    if (this.closed) return;
    if (!this.outcome) {
      const result = finish(this.state);
      if (result.end) {
        this.ended(result.end);
        return;
      }
    }
    this.close();
  }

  private ended(end: StreamEnd): void {
    this.outcome = end;
    if (end.kind === 'failed') {
      this.session.fail(end.error);
      return;
    }
    // A stop sequence ends the text before the upstream's usage arrives: read on when the client wants
    // it, or when the answer is stored (a Response cut off mid-way could not be retrieved).
    const readOn = this.state.context.includeUsage || this.session.plan.translated.request.store;
    const awaitingUsage = readOn && this.state.usage === undefined;
    if (!awaitingUsage) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.control?.cancel();
    this.resumption?.close(this.session.clientGone ? 'client_gone' : this.endedWell ? 'answered' : 'failed');
    this.session.choiceClosed();
  }

  /** One timer per choice, moved on only when it fires: a read costs a clock read, not a timer. */
  private armIdleTimer(delay: number): void {
    this.idleTimer = setTimeout(() => this.checkIdle(), Math.min(delay, LONGEST_TIMER_MS));
  }

  private checkIdle(): void {
    if (this.closed) return;
    const idleMs = this.session.dependencies.settings.idleTimeoutMs;
    // A client too slow to read is not the upstream's silence.
    const waited = this.paused || this.resumption?.reopening ? 0 : performance.now() - this.reader.lastProgressAt;
    if (waited < idleMs) {
      this.armIdleTimer(waited === 0 ? idleMs : idleMs - waited);
      return;
    }
    const idle = new UpstreamProtocolError(`The upstream stream was idle for ${idleMs} ms.`, 'upstream_idle_timeout', { status: 504 });
    if (this.resumed(idle)) {
      this.armIdleTimer(idleMs);
      return;
    }
    this.session.fail(idle);
  }
}

function asApiError(error: unknown, clientGone: boolean): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientGoneError || clientGone) {
    return new InvalidRequestError('The client closed the connection.', { status: 499, code: 'client_closed' });
  }
  // The client gets a generic message; the log keeps the real failure.
  return new UpstreamProtocolError('The upstream stream failed.', 'upstream_stream_broken', { cause: error });
}
