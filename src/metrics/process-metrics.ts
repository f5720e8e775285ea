/**
 * Process metrics, read when scraped: CPU seconds, resident memory, heap, event-loop lag (from
 * `perf_hooks.monitorEventLoopDelay`, reset at each scrape so it covers the time since the last)
 * and GC pauses (a PerformanceObserver of `gc` entries). Names follow prom-client's defaults, so
 * dashboards made for those work. One collector per process: the hooks are process-wide.
 */
import { monitorEventLoopDelay, PerformanceObserver, constants, type IntervalHistogram } from 'node:perf_hooks';
import { Histogram } from './registry.js';

const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

class ProcessMetrics {
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gc = new Histogram('nodejs_gc_duration_seconds', 'Garbage collection pauses, by kind.', ['kind'], GC_BUCKETS);
  private readonly startTime = Math.round(Date.now() / 1000 - process.uptime());

  constructor() {
    this.loopDelay.enable();
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = GC_KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
        this.gc.observe({ kind }, entry.duration / 1000);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  }

  render(): string {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const delay = this.loopDelay;
    // The histogram is in nanoseconds; with no sample yet (a first scrape right at start) it reads 0.
    const seconds = (nanoseconds: number): number => (Number.isFinite(nanoseconds) && delay.count > 0 ? nanoseconds / 1e9 : 0);
    const text = [
      gauge('process_cpu_user_seconds_total', 'User CPU time spent, in seconds.', cpu.user / 1e6, 'counter'),
      gauge('process_cpu_system_seconds_total', 'System CPU time spent, in seconds.', cpu.system / 1e6, 'counter'),
      gauge('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', (cpu.user + cpu.system) / 1e6, 'counter'),
      gauge('process_resident_memory_bytes', 'Resident memory size, in bytes.', memory.rss),
      gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', this.startTime),
      gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js, in bytes.', memory.heapTotal),
      gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js, in bytes.', memory.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Node.js external memory size, in bytes.', memory.external),
      gauge('nodejs_eventloop_lag_mean_seconds', 'Mean event loop delay since the last scrape, in seconds.', seconds(delay.mean)),
      gauge('nodejs_eventloop_lag_p50_seconds', 'Median event loop delay since the last scrape, in seconds.', seconds(delay.percentile(50))),
      gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile of the event loop delay since the last scrape, in seconds.', seconds(delay.percentile(99))),
      gauge('nodejs_eventloop_lag_max_seconds', 'Longest event loop delay since the last scrape, in seconds.', seconds(delay.max)),
      this.gc.render(),
    ].join('');
    delay.reset();
    return text;
  }
}

function gauge(name: string, help: string, value: number, type: 'gauge' | 'counter' = 'gauge'): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}

let collector: ProcessMetrics | undefined;

/** The process's collector, started on first use (when an app serves metrics). */
export function processMetrics(): { render(): string } {
  return (collector ??= new ProcessMetrics());
}
