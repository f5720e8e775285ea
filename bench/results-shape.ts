/** The shape of bench/results/latest.json. Latencies are in milliseconds, memory in KiB. */
import type { Machine } from './machine.js';
import type { LoadResult } from './wrk.js';

export type TargetName = 'direct' | 'pipe' | 'adapter';

/** A load run, with the CPU the measured process spent on it. */
export interface MeasuredLoad extends LoadResult {
  /** User + system CPU of the process serving the requests (the fake upstream for `direct`). */
  cpuMsPerRequest: number;
  /** CPU used by other processes on the machine during the run, in percent of one CPU. */
  foreignCpuPercent: number;
  stealPercent: number;
  /** Runs made: a run disturbed by other processes is made again (see foreign-load.ts). */
  attempts: number;
}

/** Requests per second of one priming round (see `prime` in run.ts). */
export interface PrimingRound {
  nonStream: number;
  stream: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface FirstByteResult {
  requests: number;
  complete: number;
  headersMs: Percentiles;
  firstByteMs: Percentiles;
  totalMs: Percentiles;
  foreignCpuPercent: number;
}

export interface SlowStreamsResult {
  streams: number;
  complete: number;
  mostOpen: number;
  failures: Record<string, number>;
  wallSeconds: number;
  /** From each request to its end; the fake alone takes 4.95 s. */
  streamSeconds: { p50: number; max: number };
  idleRssKiB: number;
  /** Highest VmRSS of the samples taken every 100 ms. */
  peakRssKiB: number;
  /** VmHWM at the end: the kernel's own peak, reset just before the test where /proc allows it. */
  highWaterKiB: number;
  highWaterSince: 'the test' | 'the process start';
  /** (peak sampled RSS - idle RSS) / the most streams open at one time. */
  perStreamKiB: number;
  samples: number;
  /** CPU the system under test used during the test, and that over the wall time. */
  cpuSeconds: number;
  cpuBusyPercent: number;
  /** The streams client's own CPU (it shares CPU 0 with the fake upstream). */
  clientCpuSeconds: number;
  foreignCpuPercent: number;
}

export interface BenchResults {
  startedAt: string;
  machine: Machine;
  settings: {
    durationSeconds: number;
    /** Most seconds spent waiting for a quiet machine and repeating disturbed runs. */
    quietWaitSeconds: number;
    /** Foreign CPU allowed during a measurement, in percent of one CPU. */
    quietThresholdPercent: number;
    warmUpSeconds: number;
    connections: number;
    deltasPerStream: number;
    firstByteRequests: number;
    slowStreams: number;
  };
  /** False when any problem below was found; the ratios are then left out. */
  valid: boolean;
  problems: string[];
  /** The rounds that brought each target to a steady rate before measuring. */
  priming: Record<TargetName, PrimingRound[]>;
  nonStream: Record<TargetName, MeasuredLoad>;
  stream: Record<TargetName, MeasuredLoad>;
  concurrencyOne: Record<TargetName, MeasuredLoad>;
  /** Adapter req/s over pipe req/s; null in an invalid run. */
  ratios: { nonStream: number; stream: number } | null;
  /** Direct upstream req/s over pipe req/s: at least 2 for a valid run. */
  headroom: { nonStream: number; stream: number };
  /** Adapter minus pipe at concurrency 1, non-stream. */
  addedLatencyMs: { p50: number; p99: number };
  firstByte: { pipe: FirstByteResult; adapter: FirstByteResult; addedMs: { p50: number; p99: number } };
  slowStreams: { pipe: SlowStreamsResult; adapter: SlowStreamsResult };
  conversationLength: { oneMessage: MeasuredLoad; twoHundredMessages: MeasuredLoad; ratio: number };
  hugeRequest: HugeRequestResult;
}

/** One request of `messages` short messages (24 MB for 800,000), with `/healthz` probed back to back meanwhile. */
export interface HugeRequestResult {
  messages: number;
  status: number;
  answerMs: number;
  /** The slowest health answer while the huge request was handled: how long any other client waited. */
  worstHealthMs: number;
  healthProbes: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  rssAfterGcMiB: number;
}
