/**
 * `npm run bench`: what the adapter costs, next to a bare pipe and to the upstream alone. Every
 * server and load client runs in its own process; the system under test (the pipe or the built
 * adapter, `dist/server.js`) gets CPU 1 to itself, everything else shares CPU 0. bench/README.md
 * says what each figure means. BENCH_DURATION: seconds per load run (default 10); BENCH_QUIET_WAIT:
 * seconds the run may spend waiting out other processes (default 60).
 *
 * Exit status: 0 for a valid run, 2 for an invalid one (results still written), 1 for an error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chatBody, longConversationBody, responsesBody, writeBodyFiles } from './bodies.js';
import { checkChatAnswer, checkResponsesAnswer, upstreamText } from './check-answer.js';
import { configureChildren, killAllChildren, serverPids } from './children.js';
import { measureFirstByte } from './first-byte.js';
import { measureHugeRequest } from './huge-request-phase.js';
import { QuietGuard } from './foreign-load.js';
import { describeMachine } from './machine.js';
import { Measurements, type Target } from './measurement.js';
import { buildAdapter, canPin, fileLimitFor, pinSelf, secondsSetting } from './prerequisites.js';
import { formatReport } from './report.js';
import type { BenchResults, MeasuredLoad, PrimingRound, TargetName } from './results-shape.js';
import { startAdapter, startFakeUpstream, startPipe } from './servers.js';
import { measureSlowStreams } from './slow-streams.js';
import { wrkVersion } from './wrk.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDirectory = fileURLToPath(new URL('./results/', import.meta.url));

const LOAD_CPU = 0;
const TARGET_CPU = 1;
const CONNECTIONS = 32;
const DELTAS_PER_STREAM = 100;
const SLOW_STREAMS = 1000;
/** The 24 MB request of issue 12. */
const HUGE_MESSAGES = 800_000;
/** Foreign CPU allowed during a measurement, in percent of one CPU. */
const QUIET_THRESHOLD_PERCENT = 10;
/** Both ends of 1,000 streams, plus the upstream side: the adapter and the fake hold about 2,000 sockets each. */
const FILES_NEEDED = 4 * SLOW_STREAMS + 1000;

const progress = (message: string): void => void process.stderr.write(`bench: ${message}\n`);
const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

async function main(): Promise<number> {
  if (process.platform !== 'linux') throw new Error('the benchmark reads /proc and runs on Linux only.');
  const wrk = wrkVersion();
  if (wrk === undefined) {
    progress('wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk (elsewhere: https://github.com/wg/wrk).');
    return 1;
  }
  const duration = secondsSetting('BENCH_DURATION', 10, 1);
  const quietWaitSeconds = secondsSetting('BENCH_QUIET_WAIT', 60, 0);
  const warmUpSeconds = Math.min(2, duration);
  const firstByteRequests = 50 * duration;
  const pinned = canPin();
  const fileLimit = fileLimitFor(FILES_NEEDED);
  configureChildren({ pin: pinned, ...(fileLimit !== undefined && { fileLimit }) });
  // This process only checks answers and reads /proc, but it too stays off the system under test's CPU.
  if (pinned) pinSelf(LOAD_CPU);

  progress('building the adapter (npm run build)');
  buildAdapter(root);
  mkdirSync(resultsDirectory, { recursive: true });
  const scratch = mkdtempSync(join(os.tmpdir(), 'adapter-bench-'));
  process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
  const files = writeBodyFiles(scratch);

  const fake = await startFakeUpstream(LOAD_CPU);
  const fakeUrl = `http://127.0.0.1:${fake.port}/v1/responses`;
  const expected = await upstreamText(fakeUrl, responsesBody(false));
  const adapterLog = join(resultsDirectory, 'adapter.log');
  const pipe = await startPipe(TARGET_CPU, fake.port);
  const adapter = await startAdapter(TARGET_CPU, fake.port, adapterLog);

  const pipeTarget = (port: number, pid: number): Target => {
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    return { name: 'pipe', url, pid, bodyFiles: files.responses, check: (stream) => checkResponsesAnswer(url, responsesBody(stream), stream, expected) };
  };
  const adapterTarget = (port: number, pid: number): Target => {
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    return { name: 'adapter', url, pid, bodyFiles: files.chat, check: (stream) => checkChatAnswer(url, chatBody(stream), stream, expected) };
  };
  const targets: Record<TargetName, Target> = {
    direct: {
      name: 'direct',
      url: fakeUrl,
      pid: fake.pid,
      bodyFiles: files.responses,
      check: (stream) => checkResponsesAnswer(fakeUrl, responsesBody(stream), stream, expected),
    },
    pipe: pipeTarget(pipe.port, pipe.pid),
    adapter: adapterTarget(adapter.port, adapter.pid),
  };

  const guard = new QuietGuard(serverPids, {
    thresholdPercent: QUIET_THRESHOLD_PERCENT,
    budgetMs: quietWaitSeconds * 1000,
    attempts: 3,
    log: progress,
  });
  const measurements = new Measurements({ seconds: duration, warmUpSeconds, connections: CONNECTIONS, loadCpu: LOAD_CPU, progress }, guard);
  const { problems } = measurements;

  const priming = {} as Record<TargetName, PrimingRound[]>;
  for (const target of Object.values(targets)) priming[target.name] = await measurements.prime(target, 5);
  const eachTarget = async (stream: boolean, connections: number): Promise<Record<TargetName, MeasuredLoad>> => ({
    direct: await measurements.load(targets.direct, stream, connections),
    pipe: await measurements.load(targets.pipe, stream, connections),
    adapter: await measurements.load(targets.adapter, stream, connections),
  });
  const nonStream = await eachTarget(false, CONNECTIONS);
  const stream = await eachTarget(true, CONNECTIONS);
  const concurrencyOne = await eachTarget(false, 1);

  const pipeFirstByte = await measureFirstByte(measurements, targets.pipe, firstByteRequests, 'response.completed');
  const adapterFirstByte = await measureFirstByte(measurements, targets.adapter, firstByteRequests, '[DONE]');

  await checkChatAnswer(targets.adapter.url, longConversationBody(), false, expected);
  const shortRun = Math.ceil(duration / 2);
  const oneMessage = await measurements.load(targets.adapter, false, CONNECTIONS, { seconds: shortRun, label: '1 message' });
  const twoHundredMessages = await measurements.load(targets.adapter, false, CONNECTIONS, {
    seconds: shortRun,
    bodyFile: files.longChat,
    label: '200 messages',
  });
  await pipe.stop();
  await adapter.stop();

  const slowPipe = await measureSlowStreams(measurements, {
    name: 'pipe',
    start: () => startPipe(TARGET_CPU, fake.port),
    target: pipeTarget,
    bodyFile: files.slowResponses,
    streams: SLOW_STREAMS,
    marker: 'response.completed',
  });
  const slowAdapter = await measureSlowStreams(measurements, {
    name: 'adapter',
    start: () => startAdapter(TARGET_CPU, fake.port, adapterLog),
    target: adapterTarget,
    bodyFile: files.slowChat,
    streams: SLOW_STREAMS,
    marker: '[DONE]',
  });
  await fake.stop();
  progress(`one request of ${HUGE_MESSAGES.toLocaleString('en-US')} messages, /healthz probed meanwhile`);
  const hugeRequest = await measureHugeRequest(TARGET_CPU, HUGE_MESSAGES);
  if (hugeRequest.status !== 200) problems.push(`huge request: answered ${hugeRequest.status}, not 200`);

  // The fake and the load generator must not be what limits the pipe.
  const headroom = {
    nonStream: round(nonStream.direct.requestsPerSecond / Math.max(1, nonStream.pipe.requestsPerSecond)),
    stream: round(stream.direct.requestsPerSecond / Math.max(1, stream.pipe.requestsPerSecond)),
  };
  for (const [kind, value] of [['non-stream', headroom.nonStream], ['stream', headroom.stream]] as const) {
    if (value < 2) {
      problems.push(
        `${kind}: the direct upstream did only ${value.toFixed(2)}x the pipe's requests/s (at least 2x needed): ` +
          'the fake upstream or the load generator, not the pipe, may be the limit',
      );
    }
  }
  const valid = problems.length === 0;
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: describeMachine({ wrk, pinned }),
    settings: {
      durationSeconds: duration,
      quietWaitSeconds,
      quietThresholdPercent: QUIET_THRESHOLD_PERCENT,
      warmUpSeconds,
      connections: CONNECTIONS,
      deltasPerStream: DELTAS_PER_STREAM,
      firstByteRequests,
      slowStreams: SLOW_STREAMS,
    },
    valid,
    problems,
    priming,
    nonStream,
    stream,
    concurrencyOne,
    ratios: valid
      ? {
          nonStream: round(nonStream.adapter.requestsPerSecond / nonStream.pipe.requestsPerSecond, 4),
          stream: round(stream.adapter.requestsPerSecond / stream.pipe.requestsPerSecond, 4),
        }
      : null,
    headroom,
    addedLatencyMs: {
      p50: round(concurrencyOne.adapter.latencyMs.p50 - concurrencyOne.pipe.latencyMs.p50),
      p99: round(concurrencyOne.adapter.latencyMs.p99 - concurrencyOne.pipe.latencyMs.p99),
    },
    firstByte: {
      pipe: pipeFirstByte,
      adapter: adapterFirstByte,
      addedMs: {
        p50: round(adapterFirstByte.firstByteMs.p50 - pipeFirstByte.firstByteMs.p50),
        p99: round(adapterFirstByte.firstByteMs.p99 - pipeFirstByte.firstByteMs.p99),
      },
    },
    slowStreams: { pipe: slowPipe, adapter: slowAdapter },
    conversationLength: {
      oneMessage,
      twoHundredMessages,
      ratio: round(twoHundredMessages.requestsPerSecond / Math.max(1, oneMessage.requestsPerSecond)),
    },
    hugeRequest,
  };
  writeFileSync(join(resultsDirectory, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatReport(results)}\n`);
  process.stdout.write(`\nWritten to bench/results/latest.json${valid ? '' : ' (valid: false)'}.\n`);
  return valid ? 0 : 2;
}

// Every child dies with the runner: on a normal end, an error, Ctrl-C or a kill signal.
process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping every process`);
    killAllChildren();
    process.exit(128 + os.constants.signals[signal]);
  });
}
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
