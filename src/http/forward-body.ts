import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { StreamRedactor } from '../redaction.js';
import type { BodyConsumer, BodyControl } from '../upstream/call.js';
import { SseProgress } from '../upstream/event-stream.js';

/** Node fires longer timers after 1 ms instead (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

type UpstreamBody = { read(consumer: BodyConsumer): BodyControl; cancel(): void };
type ForwardOptions = { idleTimeoutMs: number; log: Logger };

/** What counts as the upstream making progress, and what of its bytes reaches the client. */
interface Passage {
  /** When the upstream last made progress: `performance.now()`. */
  lastProgressAt: number;
  /** A piece as it arrived; returns what to write now. */
  push(chunk: Buffer): Buffer;
  /** What is left to write once the body has ended. */
  end(): Buffer | undefined;
  /** Names the body in log lines. */
  readonly name: string;
}

/**
 * An upstream body (a file, audio, JSON of any size) passed on untouched as it arrives, at the pace
 * the client reads. Every byte counts as progress.
 */
export function forwardBody(body: UpstreamBody, response: ServerResponse, options: ForwardOptions): Promise<void> {
  const passage: Passage = {
    lastProgressAt: performance.now(),
    push(chunk) {
      this.lastProgressAt = performance.now();
      return chunk;
    },
    end: () => undefined,
    name: 'upstream body',
  };
  return forward(body, response, passage, options);
}

/**
 * An upstream event stream passed on byte for byte with secrets scrubbed on the way; only event
 * bytes count as progress (comments such as `: keepalive` do not).
 */
export function forwardEventStream(body: UpstreamBody, response: ServerResponse, scrub: StreamRedactor, options: ForwardOptions): Promise<void> {
  const progress = new SseProgress();
  const passage: Passage = {
    get lastProgressAt() {
      return progress.lastProgressAt;
    },
    set lastProgressAt(at: number) {
      progress.lastProgressAt = at;
    },
    push(chunk) {
      progress.push(chunk);
      return scrub.push(chunk);
    },
    end: () => scrub.end(),
    name: 'upstream event stream',
  };
  return forward(body, response, passage, options);
}

/**
 * Passes the body on at the pace the client reads: the upstream pauses while the client drains.
 * When the upstream breaks off, or makes no progress for `idleTimeoutMs` while the client is keeping
 * up, the client's answer breaks off too (it cannot end cleanly: its length or its chunked end would
 * lie) and both sockets are let go. When the client goes away, the upstream request is closed.
 */
function forward(body: UpstreamBody, response: ServerResponse, passage: Passage, options: ForwardOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    let paused = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let control: BodyControl | undefined;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    };
    const breakOff = (reason: string, error?: unknown): void => {
      if (settled) return;
      options.log.warn({ err: error }, reason);
      control?.cancel();
      response.destroy();
      settle();
    };
    const checkIdle = (): void => {
      const waited = paused ? 0 : performance.now() - passage.lastProgressAt;
      if (waited >= options.idleTimeoutMs) return breakOff(`${passage.name} idle for ${options.idleTimeoutMs} ms`);
      timer = setTimeout(checkIdle, Math.min(options.idleTimeoutMs - waited, LONGEST_TIMER_MS));
    };
    response.once('close', () => {
      if (settled) return;
      control?.cancel();
      settle();
    });
    timer = setTimeout(checkIdle, Math.min(options.idleTimeoutMs, LONGEST_TIMER_MS));
    control = body.read({
      data(chunk) {
        if (settled) return true;
        const out = passage.push(chunk);
        if (out.length === 0 || response.write(out)) return true;
        paused = true;
        response.once('drain', () => {
          paused = false;
          passage.lastProgressAt = performance.now();
          control?.resume();
        });
        return false;
      },
      end() {
        if (settled) return;
        response.end(passage.end());
        settle();
      },
      error(error) {
        breakOff(`${passage.name} broke off`, error);
      },
    });
  });
}
