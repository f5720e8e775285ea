/** The human-readable summary of a run: the table and the other figures, from the results alone. */
import type { BenchResults, SlowStreamsResult, TargetName } from './results-shape.js';

const TARGETS: Array<[TargetName, string]> = [
  ['direct', 'direct upstream'],
  ['pipe', 'pipe (node:http)'],
  ['adapter', 'adapter'],
];

const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => value.toFixed(2);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
const mib = (kib: number): string => (kib / 1024).toFixed(1);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function ratioCell(results: BenchResults, target: TargetName): string {
  if (target === 'direct') return `${results.headroom.nonStream.toFixed(2)} / ${results.headroom.stream.toFixed(2)}`;
  if (target === 'pipe') return '1.00 / 1.00';
  if (!results.ratios) return 'INVALID';
  return `${results.ratios.nonStream.toFixed(3)} / ${results.ratios.stream.toFixed(3)}`;
}

function slowRow(name: string, slow: SlowStreamsResult): string[] {
  return [
    name,
    `${slow.complete}/${slow.streams}`,
    String(slow.mostOpen),
    `${slow.streamSeconds.p50.toFixed(2)} / ${slow.streamSeconds.max.toFixed(2)}`,
    slow.wallSeconds.toFixed(2),
    `${slow.cpuBusyPercent}%`,
    mib(slow.idleRssKiB),
    mib(slow.peakRssKiB),
    mib(slow.highWaterKiB),
    slow.perStreamKiB.toFixed(1),
  ];
}

export function formatReport(results: BenchResults): string {
  const { settings, machine } = results;
  const out: string[] = [];
  out.push('');
  if (!results.valid) {
    out.push('INVALID RUN: the ratios are not printed. Problems:');
    for (const problem of results.problems) out.push(`  - ${problem}`);
    out.push('');
  }
  out.push(
    `Load: wrk, ${settings.connections} connections, ${settings.warmUpSeconds} s warm-up + ${settings.durationSeconds} s per run; ` +
      `streams of ${settings.deltasPerStream} deltas. Latency in ms.`,
  );
  out.push(
    table(
      ['target', 'non-stream req/s', 'p50', 'p99', 'stream req/s', 'p50', 'p99', 'ratio to pipe (non-stream / stream)'],
      TARGETS.map(([name, label]) => [
        label,
        count(results.nonStream[name].requestsPerSecond),
        ms(results.nonStream[name].latencyMs.p50),
        ms(results.nonStream[name].latencyMs.p99),
        count(results.stream[name].requestsPerSecond),
        ms(results.stream[name].latencyMs.p50),
        ms(results.stream[name].latencyMs.p99),
        ratioCell(results, name),
      ]),
    ),
  );
  out.push('(The direct row\'s ratio is the fake upstream\'s headroom over the pipe; a run needs at least 2.)');
  out.push('');

  const one = results.concurrencyOne;
  out.push('Concurrency 1, non-stream (ms):');
  out.push(
    table(
      ['', 'req/s', 'p50', 'p99'],
      [
        ...TARGETS.map(([name, label]) => [label, count(one[name].requestsPerSecond), ms(one[name].latencyMs.p50), ms(one[name].latencyMs.p99)]),
        ['added by the adapter', '', signed(results.addedLatencyMs.p50), signed(results.addedLatencyMs.p99)],
      ],
    ),
  );
  out.push('');

  const first = results.firstByte;
  out.push(`Time to first body byte, ${settings.firstByteRequests} sequential streams each (ms):`);
  out.push(
    table(
      ['', 'p50', 'p99', 'whole stream p50'],
      [
        ['pipe', ms(first.pipe.firstByteMs.p50), ms(first.pipe.firstByteMs.p99), ms(first.pipe.totalMs.p50)],
        ['adapter', ms(first.adapter.firstByteMs.p50), ms(first.adapter.firstByteMs.p99), ms(first.adapter.totalMs.p50)],
        ['added by the adapter', signed(first.addedMs.p50), signed(first.addedMs.p99), ''],
      ],
    ),
  );
  out.push('');

  out.push('CPU time per request of the process serving it, at 32 connections (ms):');
  out.push(
    table(
      ['', 'non-stream', 'stream'],
      [
        ['pipe', ms(results.nonStream.pipe.cpuMsPerRequest), ms(results.stream.pipe.cpuMsPerRequest)],
        ['adapter', ms(results.nonStream.adapter.cpuMsPerRequest), ms(results.stream.adapter.cpuMsPerRequest)],
        ['(fake upstream, direct run)', ms(results.nonStream.direct.cpuMsPerRequest), ms(results.stream.direct.cpuMsPerRequest)],
      ],
    ),
  );
  out.push('');

  out.push(
    `${count(settings.slowStreams)} slow streams opened within 0.5 s (${settings.deltasPerStream} deltas 50 ms apart: 4.95 s each from the fake alone); ` +
      'a fresh, primed process each; memory in MiB:',
  );
  out.push(
    table(
      ['', 'complete', 'most open', 'stream s p50 / max', 'wall s', 'CPU busy', 'idle RSS', 'peak RSS', 'VmHWM', 'KiB/stream'],
      [slowRow('pipe', results.slowStreams.pipe), slowRow('adapter', results.slowStreams.adapter)],
    ),
  );
  for (const [name, slow] of Object.entries(results.slowStreams)) {
    if (slow.mostOpen >= slow.streams) continue;
    out.push(
      `${name}: at most ${slow.mostOpen} of the ${count(slow.streams)} streams were open at one time: it fell behind ` +
        `(CPU ${slow.cpuBusyPercent}% busy over the test) and later streams waited, so its peak RSS is for ${slow.mostOpen} open streams.`,
    );
  }
  out.push('');

  const conversation = results.conversationLength;
  out.push(
    `Conversation length (adapter, non-stream, ${settings.connections} connections): 1 message ${count(conversation.oneMessage.requestsPerSecond)} req/s, ` +
      `200 messages ${count(conversation.twoHundredMessages.requestsPerSecond)} req/s (${conversation.ratio.toFixed(2)} of the 1-message rate; ` +
      `CPU ${ms(conversation.oneMessage.cpuMsPerRequest)} vs ${ms(conversation.twoHundredMessages.cpuMsPerRequest)} ms/request).`,
  );
  const huge = results.hugeRequest;
  out.push(
    `Huge request (${count(huge.messages)} messages, in-process upstream): status ${huge.status}, answered in ${count(huge.answerMs)} ms; ` +
      `slowest of ${count(huge.healthProbes)} /healthz answers meanwhile ${count(huge.worstHealthMs)} ms; ` +
      `RSS ${huge.rssBeforeMiB} -> peak ${huge.peakRssMiB} MiB (${huge.rssAfterGcMiB} after GC).`,
  );
  out.push('');
  const rounds = TARGETS.map(
    ([name]) => `${name} ${results.priming[name].map((round) => `${count(round.nonStream)}/${count(round.stream)}`).join(' -> ')}`,
  );
  const measured = [
    ...Object.values(results.nonStream),
    ...Object.values(results.stream),
    ...Object.values(results.concurrencyOne),
    results.conversationLength.oneMessage,
    results.conversationLength.twoHundredMessages,
  ];
  const foreign = [
    ...measured.map((run) => run.foreignCpuPercent + run.stealPercent),
    results.firstByte.pipe.foreignCpuPercent,
    results.firstByte.adapter.foreignCpuPercent,
    results.slowStreams.pipe.foreignCpuPercent,
    results.slowStreams.adapter.foreignCpuPercent,
  ];
  const repeated = measured.reduce((sum, run) => sum + run.attempts - 1, 0);
  out.push(
    `Other processes during the measurements: at most ${Math.max(...foreign)}% of a CPU (allowed: ${settings.quietThresholdPercent}%); ` +
      `load runs repeated for it: ${repeated}.`,
  );
  out.push(`Priming rounds, req/s non-stream/stream: ${rounds.join('; ')}.`);
  out.push(
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os} (kernel ${machine.kernel}); ` +
      `Node ${machine.node}; ${machine.wrk}.`,
  );
  out.push(`Placement: ${machine.placement}.`);
  if (!results.valid) out.push('', `INVALID RUN: ${results.problems.length} problem(s), listed at the top; no ratios.`);
  return out.join('\n');
}
