/**
 * Opens many slow streams within half a second (the fake paces them: 100 deltas 50 ms apart, about
 * 5 s each) and reads them to the end, one connection each, so the target holds them all open together.
 *
 * Usage: node bench/slow-streams-client.mjs <url> <body-file> <count> <end marker> <timeout ms>
 * Prints one JSON line: how many streams completed (status 200, last SSE frame containing the end
 * marker), the most that were open at one time, the wall time from the first request to the last
 * end, and this client's own CPU time (it shares a CPU with the fake upstream).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BodyTail } from './body-tail.mjs';

const [url, bodyFile, countText, marker, timeoutText] = process.argv.slice(2);
if (timeoutText === undefined) {
  process.stderr.write('usage: node bench/slow-streams-client.mjs <url> <body-file> <count> <end marker> <timeout ms>\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const target = new URL(url);
// No keep-alive and no socket cap: each stream gets its own connection, all opened together.
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const headers = { 'content-type': 'application/json', 'content-length': String(body.length), authorization: 'Bearer sk-bench' };

let open = 0;
let mostOpen = 0;
const failures = {};
const fail = (reason) => {
  failures[reason] = (failures[reason] ?? 0) + 1;
  return false;
};

function stream() {
  return new Promise((resolve) => {
    const start = performance.now();
    const request = http.request(target, { method: 'POST', headers, agent }, (response) => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      const tail = new BodyTail();
      response.on('data', (chunk) => {
        tail.push(chunk);
      });
      response.on('end', () => {
        open--;
        const seconds = (performance.now() - start) / 1000;
        if (response.statusCode !== 200) resolve({ complete: fail(`status ${response.statusCode}`), seconds });
        else if (!tail.lastFrame().includes(marker)) resolve({ complete: fail('no end marker'), seconds });
        else resolve({ complete: true, seconds });
      });
      response.on('error', (error) => {
        open--;
        resolve({ complete: fail(error.code ?? 'response error'), seconds: 0 });
      });
    });
    request.on('error', (error) => resolve({ complete: fail(error.code ?? 'request error'), seconds: 0 }));
    request.end(body);
  });
}

const timer = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ timedOut: true, open, mostOpen, failures })}\n`);
  process.exit(1);
}, Number(timeoutText));

// Opened in batches, 0.5 s for all: a thousand connects in one instant overflow a default accept
// queue (511), and the kernel's 1 s SYN retry would then be measured as the target's slowness.
const BATCH = 100;
const BATCH_INTERVAL_MS = 50;
const start = performance.now();
const pending = [];
for (let opened = 0; opened < Number(countText); opened += BATCH) {
  if (opened > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_INTERVAL_MS));
  for (let index = opened; index < Math.min(opened + BATCH, Number(countText)); index++) pending.push(stream());
}
const results = await Promise.all(pending);
const wallSeconds = (performance.now() - start) / 1000;
clearTimeout(timer);
const durations = results.filter((result) => result.complete).map((result) => result.seconds).sort((a, b) => a - b);
const round = (value) => Number((value ?? 0).toFixed(3));
process.stdout.write(
  `${JSON.stringify({
    streams: results.length,
    complete: durations.length,
    mostOpen,
    failures,
    wallSeconds: round(wallSeconds),
    streamSeconds: { p50: round(durations[Math.floor(durations.length / 2)]), max: round(durations.at(-1)) },
    clientCpuSeconds: round((process.cpuUsage().user + process.cpuUsage().system) / 1e6),
  })}\n`,
);
