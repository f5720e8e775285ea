/**
 * The resident memory of this process (the app runs in it) above where it stood when watching
 * began: sampled every few ms, and read once more at `stop`. Allocations the work makes and drops
 * between two samples can be missed; memory it holds on to cannot.
 */
export interface RssWatch {
  /** Stops sampling; the largest growth seen, in bytes. */
  stop(): number;
}

export function watchRssGrowth(everyMs = 5): RssWatch {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak - baseline;
    },
  };
}

export const MiB = 1024 * 1024;
