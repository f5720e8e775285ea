/** Emulation of Chat `stop`: the text ends right before the first stop sequence. */

/**
 * Where the text is cut for `stops`, or -1. The winner is the sequence that is complete first
 * (smallest end), as in generation, where text arrives left to right and the first stop sequence
 * to appear ends it; among those ending at the same place, the longer one (earliest start).
 * This is what makes the streaming cut equal the whole-text cut.
 */
export function findStop(text: string, stops: readonly string[]): number {
  let cut = -1;
  let cutEnd = Infinity;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at < 0) continue;
    const end = at + stop.length;
    if (end < cutEnd || (end === cutEnd && at < cut)) {
      cut = at;
      cutEnd = end;
    }
  }
  return cut;
}

/**
 * Streaming form: feeds deltas, releases text that can no longer be the start of a stop sequence,
 * and holds back at most (longest sequence - 1) characters.
 */
export class StopScanner {
  private pending = '';
  private readonly holdBack: number;
  stopped = false;

  constructor(private readonly stops: readonly string[]) {
    this.holdBack = Math.max(0, ...stops.map((stop) => stop.length - 1));
  }

  /** Text safe to emit after adding `delta`; once a stop is found, everything after it is dropped. */
  push(delta: string): string {
    if (this.stopped) return '';
    const text = this.pending + delta;
    const at = findStop(text, this.stops);
    if (at >= 0) {
      this.stopped = true;
      this.pending = '';
      return text.slice(0, at);
    }
    // Keep back only a tail that could still grow into a stop sequence.
    let keep = Math.min(this.holdBack, text.length);
    while (keep > 0 && !this.stops.some((stop) => stop.startsWith(text.slice(text.length - keep)))) keep--;
    this.pending = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** The held-back text, released when the message ends without a stop. */
  flush(): string {
    const rest = this.stopped ? '' : this.pending;
    this.pending = '';
    return rest;
  }
}
