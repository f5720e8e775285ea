/**
 * Time to first byte of streamed answers, one request at a time on one keep-alive connection:
 * with nothing queued, the time is the target's own delay, not load.
 *
 * Usage: node bench/first-byte-client.mjs <url> <body-file> <count> <warm-up count> <end marker>
 * Prints one JSON line: counts and percentiles (ms) of the time to the response headers, to the
 * first body byte, and to the end. A stream counts as complete when its status is 200 and its last
 * SSE frame contains the end marker (`[DONE]` from the adapter, `response.completed` upstream).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BodyTail } from './body-tail.mjs';

const [url, bodyFile, countText, warmUpText, marker] = process.argv.slice(2);
if (marker === undefined) {
  process.stderr.write('usage: node bench/first-byte-client.mjs <url> <body-file> <count> <warm-up count> <end marker>\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = { 'content-type': 'application/json', 'content-length': String(body.length), authorization: 'Bearer sk-bench' };

function once() {
  return new Promise((resolve) => {
    const start = performance.now();
    let headersAt = 0;
    let firstByteAt = 0;
    const request = http.request(target, { method: 'POST', headers, agent }, (response) => {
      headersAt = performance.now();
      const tail = new BodyTail();
      response.on('data', (chunk) => {
        if (firstByteAt === 0) firstByteAt = performance.now();
        tail.push(chunk);
      });
      response.on('end', () => {
        const complete = response.statusCode === 200 && tail.lastFrame().includes(marker);
        resolve({ complete, headers: headersAt - start, firstByte: firstByteAt - start, total: performance.now() - start });
      });
      response.on('error', () => resolve({ complete: false }));
    });
    request.on('error', () => resolve({ complete: false }));
    request.end(body);
  });
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  const round = (value) => Number(value.toFixed(3));
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

for (let index = 0; index < Number(warmUpText); index++) await once();
const measured = [];
for (let index = 0; index < Number(countText); index++) measured.push(await once());
const complete = measured.filter((result) => result.complete);
process.stdout.write(
  `${JSON.stringify({
    requests: measured.length,
    complete: complete.length,
    headersMs: summary(complete.map((result) => result.headers)),
    firstByteMs: summary(complete.map((result) => result.firstByte)),
    totalMs: summary(complete.map((result) => result.total)),
  })}\n`,
);
agent.destroy();
