import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BodyConsumer, BodyControl } from '../upstream/call.js';

/** Node fires longer timers after 1 ms instead (TimeoutOverflowWarning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * An upstream body (a file, audio, JSON of any size) passed on untouched as it arrives, at the pace
 * the client reads: the upstream pauses while the client drains. When the upstream breaks off, or
 * sends nothing for `idleTimeoutMs` while the client is keeping up, the client's answer breaks off
 * too (it cannot end cleanly: its length or its chunked end would lie) and both sockets are let go.
 * When the client goes away, the upstream request is closed.
 */
export function forwardBody(
  body: { read(consumer: BodyConsumer): BodyControl; cancel(): void },
  response: ServerResponse,
  options: { idleTimeoutMs: number; log: Logger },
): Promise<void> {
  return new Promise<void>((resolve) => {
    let lastDataAt = performance.now();
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
      const waited = paused ? 0 : performance.now() - lastDataAt;
      if (waited >= options.idleTimeoutMs) return breakOff(`upstream body idle for ${options.idleTimeoutMs} ms`);
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
        lastDataAt = performance.now();
        if (response.write(chunk)) return true;
        paused = true;
        response.once('drain', () => {
          paused = false;
          lastDataAt = performance.now();
          control?.resume();
        });
        return false;
      },
      end() {
        if (settled) return;
        response.end();
        settle();
      },
      error(error) {
        breakOff('upstream body broke off', error);
      },
    });
  });
}
