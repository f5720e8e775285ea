import type { Logger } from 'pino';

/**
 * A warning that repeats for as long as its cause lasts (Redis down: every request would log it),
 * written at most once per interval, with the number of times it was held back since.
 */
export class RateLimitedWarning {
  private lastAt = -Infinity;
  private held = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.held += 1;
      return;
    }
    this.lastAt = now;
    const suppressed = this.held;
    this.held = 0;
    this.logger.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }

  /** The cause is over: the next occurrence is written at once. */
  reset(): void {
    this.lastAt = -Infinity;
    this.held = 0;
  }
}
