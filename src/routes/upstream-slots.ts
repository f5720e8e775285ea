import type { ServerResponse } from 'node:http';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';

/**
 * Takes `count` upstream slots for this request (throwing the 429 when they are not free) and
 * gives them back when its answer is over: sent, or broken off. A stream holds its slots to its end.
 */
export function holdUpstreamSlots(limit: ConcurrencyLimit, response: ServerResponse, count = 1): void {
  const slots = limit.take(count);
  response.once('close', slots.release);
}
