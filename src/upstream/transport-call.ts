/**
 * One upstream call: the undici dispatch handler and the reply the caller reads, in one object, so
 * a request costs one dispatch, this object, its options, and the promise of `request()` (plus the
 * one of `buffer()`, or a `StreamedBody`). Chunks are collected in an array and joined once; per
 * chunk there is no closure, promise or copy.
 *
 * Phases: `waiting` (sent, no headers yet; a failed attempt may be resent), `answered` (headers
 * passed on; the caller has not yet said how it reads the body, so what arrives is held, and the
 * upstream paused past a little), `buffering`, `streaming`, `done`.
 *
 * The deadline is one timer from the start of the call: it covers connecting, resends, the headers
 * and a buffered body. `stream()` stops it (the stream reader watches idle time itself).
 */
import type { Dispatcher } from 'undici';
import { ClientGoneError } from '../errors.js';
import { keepFirst, wholeBody } from './buffered-body.js';
import { contentCoding, type ContentCoding } from './decompress.js';
import { resendDelayMs, resendReason, staleWindowFor, type AttemptRecord } from './resend-rule.js';
import { StreamedBody, type StreamSource } from './streamed-body.js';
import type { BodyConsumer, BodyControl, Presence, TransportSettings, UpstreamReply, UpstreamRequest } from './transport.js';
import { connectionBroken, streamBroken, timedOut, tooLarge, unanswered, undecodable } from './transport-errors.js';
import { CONNECTION_USER, type ConnectionUser, type UpstreamConnection, type UserDispatchOptions } from './upstream-connection.js';

type Phase = 'waiting' | 'answered' | 'buffering' | 'streaming' | 'done';
type Headers = Record<string, string | string[] | undefined>;

/** Body held for a caller that has not yet claimed it, before the upstream is paused. */
const UNCLAIMED_BODY_BYTES = 64 * 1024;

/**
 * undici's headers timer ticks on a half-second clock, so it fires up to about 0.5 s early or 1 s
 * late. Our own timer decides; undici's, set this much later, is only a backstop.
 */
const UNDICI_TIMER_SLACK_MS = 1_000;

/** The reason given to undici when we close a request; its error comes back to us and is dropped. */
const CLOSED_BY_TRANSPORT = new Error('The transport closed the upstream request.');

const NO_HEADERS: Headers = Object.freeze({});

export class TransportCall implements Dispatcher.DispatchHandler, UpstreamReply, AttemptRecord, ConnectionUser, StreamSource {
  status = 0;
  headers: Headers = NO_HEADERS;

  // Set by the connection that takes the dispatch, and by `onRequestStart`: read by the resend rule.
  connection: UpstreamConnection | null = null;
  written = false;
  reusedSocket = false;
  responseBegun = false;
  writtenAt = 0;
  staleWindowMs = 0;
  readonly streamedBody: boolean;

  private phase: Phase = 'waiting';
  private controller: Dispatcher.DispatchController | null = null;
  /** We closed the upstream request: the error undici reports for it is ours, not news. */
  private closedUpstream = false;
  private readonly options: UserDispatchOptions;
  private resends = 0;
  private readonly startedAt = performance.now();
  private deadline: NodeJS.Timeout | null = null;
  private resendTimer: NodeJS.Timeout | null = null;
  private resolveReply: (reply: UpstreamReply) => void = noop;
  private rejectReply: (error: unknown) => void = noop;

  // The body before it is claimed, and while it is buffered.
  private coding: ContentCoding | undefined = undefined;
  private chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  /** A failure before the body was claimed (time, client gone), told when it is. */
  private failure: Error | null = null;
  /** The body broke off before it was claimed: the cause, reported as fits the way it is read. */
  private brokenBy: Error | null = null;
  private resolveBody: (body: Buffer) => void = noop;
  private rejectBody: (error: unknown) => void = noop;
  private streamed: StreamedBody | null = null;

  constructor(
    private readonly settings: TransportSettings,
    request: UpstreamRequest,
    private readonly presence: Presence,
  ) {
    const accept = settings.acceptEncoding;
    this.streamedBody = request.body !== undefined && typeof request.body !== 'string' && !Buffer.isBuffer(request.body);
    this.options = {
      method: request.method,
      path: settings.basePath + request.path,
      headers: accept !== undefined && request.headers['accept-encoding'] === undefined ? { ...request.headers, 'accept-encoding': accept } : request.headers,
      body: request.body ?? null,
      headersTimeout: 0,
      bodyTimeout: 0,
      [CONNECTION_USER]: this,
    };
  }

  start(): Promise<UpstreamReply> {
    const reply = new Promise<UpstreamReply>((resolve, reject) => {
      this.resolveReply = resolve;
      this.rejectReply = reject;
    });
    this.deadline = setTimeout(onDeadline, this.settings.timeoutMs, this);
    this.presence.onGone(this.onClientGone);
    this.send();
    return reply;
  }

  // ---- the reply, as the caller sees it ----

  buffer(): Promise<Buffer> {
    if (this.phase !== 'answered') return Promise.reject(claimedTwice('buffer'));
    if (this.failure !== null || this.brokenBy !== null) {
      this.finish();
      return Promise.reject(this.failure ?? connectionBroken(this.brokenBy));
    }
    if (this.ended && this.bytes <= this.limit()) {
      this.finish();
      try {
        return Promise.resolve(this.wholeBody());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const body = new Promise<Buffer>((resolve, reject) => {
      this.resolveBody = resolve;
      this.rejectBody = reject;
    });
    this.phase = 'buffering';
    if (this.bytes > this.limit()) this.overLimit();
    else if (this.ended) this.finishBuffer();
    else this.controller?.resume();
    return body;
  }

  stream(consumer: BodyConsumer): BodyControl {
    if (this.phase !== 'answered') throw claimedTwice('stream');
    this.clearDeadline();
    this.phase = 'streaming';
    const failure = this.failure ?? (this.brokenBy === null ? null : streamBroken(this.brokenBy));
    const streamed = new StreamedBody(consumer, this.coding, this.chunks, this, this.ended, failure);
    this.streamed = streamed;
    this.chunks = [];
    // What came before is handed on in a later tick: the consumer never runs inside stream(), so
    // it can use the control returned here from its first `data`.
    if (streamed.pending || this.controller?.paused === true) process.nextTick(flushStream, streamed);
    return streamed;
  }

  cancel(): void {
    if (this.phase === 'streaming') return this.streamed!.cancel();
    if (this.phase === 'done' || this.phase === 'waiting') return;
    const buffering = this.phase === 'buffering';
    this.finish();
    this.closeUpstream();
    this.chunks = [];
    if (buffering) this.rejectBody(new ClientGoneError());
  }

  // ---- undici's handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Settled while it waited for a socket (client gone, out of time): not sent at all.
    if (this.phase === 'done') return this.closeUpstream();
    this.written = true;
    this.writtenAt = performance.now();
    const connection = this.connection;
    if (connection !== null) {
      this.reusedSocket = connection.requestsOnSocket > 0;
      connection.requestsOnSocket++;
      this.staleWindowMs = staleWindowFor(connection.connectMs);
    }
  }

  /** The first byte of an answer (undici calls this before the headers are complete). */
  onResponseStarted(): void {
    this.responseBegun = true;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers): void {
    // 1xx are informational: the answer is still to come.
    if (statusCode < 200 || this.phase !== 'waiting') return;
    const coding = contentCoding(headers['content-encoding']);
    if (coding === null) return this.failUnanswered(undecodable(headers['content-encoding'] ?? ''));
    if (coding !== undefined) {
      // They describe the bytes on the wire, not the decoded body the caller gets.
      delete headers['content-encoding'];
      delete headers['content-length'];
    }
    this.coding = coding;
    this.status = statusCode;
    this.headers = headers;
    this.phase = 'answered';
    // Answered, so never resent: our hold on the upload (up to the body limit) can go.
    this.options.body = null;
    this.resolveReply(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.phase === 'streaming') return this.streamed!.data(chunk);
    if (this.phase !== 'answered' && this.phase !== 'buffering') return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.phase === 'buffering') {
      if (this.bytes > this.limit()) this.overLimit();
    } else if (this.bytes > UNCLAIMED_BODY_BYTES) {
      controller.pause();
    }
  }

  onResponseEnd(): void {
    if (this.phase === 'streaming') return this.streamed!.end();
    if (this.phase === 'buffering') return this.finishBuffer();
    if (this.phase !== 'answered') return;
    this.ended = true;
    this.clearDeadline();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.closedUpstream) return;
    if (this.phase === 'waiting') return this.attemptFailed(error);
    if (this.phase === 'buffering') return this.failBuffer(connectionBroken(error));
    if (this.phase === 'streaming') return this.streamed!.fail(streamBroken(error));
    if (this.phase !== 'answered') return;
    this.brokenBy = error;
    this.clearDeadline();
  }

  // ---- the streamed body's source ----

  pauseUpstream(): void {
    this.controller?.pause();
  }

  resumeUpstream(): void {
    this.controller?.resume();
  }

  streamOver(closeUpstream: boolean): void {
    this.finish();
    this.streamed = null;
    if (closeUpstream) this.closeUpstream();
  }

  // ---- the deadline and the client ----

  timeUp(): void {
    this.deadline = null;
    const error = timedOut(this.settings.timeoutMs);
    if (this.phase === 'waiting') this.failUnanswered(error);
    else if (this.phase === 'buffering') this.failBuffer(error);
    else if (this.phase === 'answered') this.failUnclaimed(error);
  }

  private readonly onClientGone = (): void => {
    const error = new ClientGoneError();
    if (this.phase === 'waiting') this.failUnanswered(error);
    else if (this.phase === 'buffering') this.failBuffer(error);
    else if (this.phase === 'streaming') this.streamed!.fail(error);
    else if (this.phase === 'answered') this.failUnclaimed(error);
  };

  // ---- sending ----

  send(): void {
    this.resendTimer = null;
    this.controller = null;
    this.connection = null;
    this.written = false;
    this.reusedSocket = false;
    this.responseBegun = false;
    this.options.headersTimeout = Math.max(1, Math.ceil(this.remainingMs())) + UNDICI_TIMER_SLACK_MS;
    this.settings.pool.dispatch(this.options, this);
  }

  private attemptFailed(error: Error): void {
    const reason = resendReason(error, this);
    if (reason !== null && this.resends < this.settings.retries && !this.presence.gone) {
      this.resendTimer = setTimeout(resend, resendDelayMs(reason, this.resends++), this);
      return;
    }
    this.failUnanswered(unanswered(error, this.settings.timeoutMs, this.settings.upstream));
  }

  // ---- the buffered body ----

  private finishBuffer(): void {
    this.finish();
    let body: Buffer;
    try {
      body = this.wholeBody();
    } catch (error) {
      return this.rejectBody(error);
    }
    this.resolveBody(body);
  }

  /** Error bodies are cut at their limit, the rest left unread; success bodies past theirs fail. */
  private overLimit(): void {
    const limit = this.limit();
    if (this.status < 400) return this.failBuffer(tooLarge(limit));
    this.bytes = keepFirst(this.chunks, limit);
    this.closeUpstream();
    this.finishBuffer();
  }

  private wholeBody(): Buffer {
    const body = wholeBody(this.chunks, this.bytes, this.coding, this.status, this.settings);
    this.chunks = [];
    return body;
  }

  private limit(): number {
    return this.status >= 400 ? this.settings.maxErrorBodyBytes : this.settings.maxBodyBytes;
  }

  // ---- endings ----

  /** The call has ended for us: no timer, no resend, nothing more delivered. */
  private finish(): void {
    this.phase = 'done';
    this.clearDeadline();
    if (this.resendTimer !== null) {
      clearTimeout(this.resendTimer);
      this.resendTimer = null;
    }
  }

  private failUnanswered(error: Error): void {
    this.finish();
    this.closeUpstream();
    this.rejectReply(error);
  }

  /** Headers given, body not yet claimed: the upstream is closed; the caller hears why when it claims. */
  private failUnclaimed(error: Error): void {
    this.clearDeadline();
    if (this.failure === null) this.failure = error;
    if (!this.ended) this.closeUpstream();
  }

  private failBuffer(error: Error): void {
    this.finish();
    this.closeUpstream();
    this.chunks = [];
    this.rejectBody(error);
  }

  /** Aborts the upstream request (undici destroys its socket, so the upstream sees the close). */
  private closeUpstream(): void {
    this.closedUpstream = true;
    // Without a controller the request has not reached a socket: `onRequestStart` closes it there.
    this.controller?.abort(CLOSED_BY_TRANSPORT);
  }

  private clearDeadline(): void {
    if (this.deadline !== null) {
      clearTimeout(this.deadline);
      this.deadline = null;
    }
  }

  private remainingMs(): number {
    return this.settings.timeoutMs - (performance.now() - this.startedAt);
  }
}

// Module functions for timers and ticks, so that none needs a closure per call.
function onDeadline(call: TransportCall): void {
  call.timeUp();
}

function resend(call: TransportCall): void {
  call.send();
}

function flushStream(streamed: StreamedBody): void {
  streamed.flush();
}

function claimedTwice(method: string): Error {
  return new Error(`UpstreamReply.${method}() called after the body was already claimed (buffer, stream or cancel).`);
}

function noop(): void {}
