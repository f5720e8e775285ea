/**
 * The bound on upstream calls in flight (MAX_CONCURRENT_UPSTREAM, issue 11): a counter of slots.
 * A request takes all the slots it needs at once before it calls the upstream (`n: 3` takes three),
 * or none: past the bound it is refused with a 429 and `retry-after`, and the upstream is not called.
 * Nothing waits in a queue: the client's SDK retries, and a queue would only hide an overload.
 */
import { InvalidRequestError } from '../errors.js';

/** Taken slots; `release()` gives them back (once, however often it is called). */
export interface UpstreamSlots {
  release(): void;
}

export class ConcurrencyLimit {
  private taken = 0;

  constructor(readonly limit: number) {}

  /** Slots in use now. */
  get inUse(): number {
    return this.taken;
  }

  /** Takes `count` slots, or throws the 429 when fewer are free (a request larger than the bound always is). */
  take(count: number): UpstreamSlots {
    if (this.taken + count > this.limit) throw concurrencyLimited(this.limit, count);
    this.taken += count;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.taken -= count;
      },
    };
  }
}

/** The OpenAI shape of a rate limit, with the retry advice the official SDKs obey. */
function concurrencyLimited(limit: number, count: number): InvalidRequestError {
  const message =
    count > limit
      ? `This request needs ${count} upstream calls at once; this adapter makes at most ${limit}. Ask for fewer choices (n).`
      : `This adapter is making its limit of ${limit} upstream calls at once. Retry shortly.`;
  return new InvalidRequestError(message, {
    status: 429,
    type: 'rate_limit_error',
    code: 'adapter_concurrency_limit',
    // A request larger than the bound never fits: the SDKs are told not to retry it.
    headers: count > limit ? { 'x-should-retry': 'false' } : { 'retry-after': '1', 'retry-after-ms': '1000' },
  });
}
