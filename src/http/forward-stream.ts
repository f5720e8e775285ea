import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { StreamRedactor } from '../redaction.js';
import type { BodyConsumer, BodyControl } from '../upstream/call.js';
import { SseProgress } from '../upstream/event-stream.js';

/** Node fires longer timers after 1 ms instead (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * An upstream event stream passed on byte for byte, at the pace the client reads (the upstream
 * pauses while the client drains), with secrets scrubbed on the way. When the upstream breaks off
 * or goes idle (no event bytes, comments do not count, for `idleTimeoutMs`), the client's stream
 * breaks off too and both sockets are let go.
 */
export function forwardEventStream(
  body: { read(consumer: BodyConsumer): BodyControl; cancel(): void },
  response: ServerResponse,
  scrub: StreamRedactor,
  options: { idleTimeoutMs: number; log: Logger },
): Promise<void> {
  return new Promise<void>((resolve) => {
    const progress = new SseProgress();
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
      const waited = paused ? 0 : performance.now() - progress.lastProgressAt;
      if (waited >= options.idleTimeoutMs) {
        breakOff(`upstream event stream idle for ${options.idleTimeoutMs} ms`);
        return;
      }
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
        progress.push(chunk);
        const out = scrub.push(chunk);
        if (out.length === 0 || response.write(out)) return true;
        paused = true;
        response.once('drain', () => {
          paused = false;
          progress.lastProgressAt = performance.now();
          control?.resume();
        });
        return false;
      },
      end() {
        if (settled) return;
        response.end(scrub.end());
        settle();
      },
      error(error) {
        breakOff('upstream event stream broke off', error);
      },
    });
  });
}
