/**
 * The benchmark's fake Responses API: `POST <any path>` answers a Response object, or with
 * `"stream":true` in the body an SSE stream of 100 text deltas. Every answer is built once at start,
 * so serving one costs a lookup and a socket write: the fake must be far faster than anything it
 * is compared with, or the benchmark measures the fake.
 *
 * A request whose body names the model `slow-stream` gets its stream paced: one delta every 50 ms
 * (about 5 s per stream), for the memory test with many streams open at once. The model is the one
 * field both the pipe (which forwards bytes) and the adapter (which forwards the model) pass on.
 *
 * Usage: node bench/fake-upstream.mjs [port]; prints `listening <port>` on stdout when ready.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const DELTA_COUNT = 100;
const SLOW_DELTA_INTERVAL_MS = 50;
const RESPONSE_ID = 'resp_bench0000000000000000000000000000000000000000';
const MESSAGE_ID = 'msg_bench00000000000000000000000000000000000000000';
const CREATED_AT = Math.floor(Date.now() / 1000);

const deltas = Array.from({ length: DELTA_COUNT }, (_, index) => (index === 0 ? 'Hello' : ` hello${index}`));
const text = deltas.join('');

/** A Response object with the fields the real API returns, so parsing it costs what a real one does. */
function responseObject(status) {
  const done = status === 'completed';
  return {
    id: RESPONSE_ID,
    object: 'response',
    created_at: CREATED_AT,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: 'gpt-bench-2025-01-01',
    output: done ? [messageItem('completed')] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: 11,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: DELTA_COUNT,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 11 + DELTA_COUNT,
        }
      : null,
    user: null,
    metadata: {},
  };
}

function outputText() {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function messageItem(status) {
  const done = status === 'completed';
  return { id: MESSAGE_ID, type: 'message', status, content: done ? [outputText()] : [], role: 'assistant' };
}

const part = { item_id: MESSAGE_ID, output_index: 0, content_index: 0 };
const head = [
  { type: 'response.created', response: responseObject('in_progress') },
  { type: 'response.in_progress', response: responseObject('in_progress') },
  { type: 'response.output_item.added', output_index: 0, item: messageItem('in_progress') },
  { type: 'response.content_part.added', ...part, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
];
const middle = deltas.map((delta) => ({ type: 'response.output_text.delta', ...part, delta, logprobs: [] }));
const tail = [
  { type: 'response.output_text.done', ...part, text, logprobs: [] },
  { type: 'response.content_part.done', ...part, part: outputText() },
  { type: 'response.output_item.done', output_index: 0, item: messageItem('completed') },
  { type: 'response.completed', response: responseObject('completed') },
];

let sequence = 0;
const frame = (event) => {
  const numbered = { type: event.type, sequence_number: sequence++, ...event };
  return `event: ${event.type}\ndata: ${JSON.stringify(numbered)}\n\n`;
};
const headBytes = Buffer.from(head.map(frame).join(''));
const deltaFrames = middle.map((event) => Buffer.from(frame(event)));
const tailBytes = Buffer.from(tail.map(frame).join(''));
const streamBytes = Buffer.concat([headBytes, ...deltaFrames, tailBytes]);
const jsonBytes = Buffer.from(JSON.stringify(responseObject('completed')));

// Header arrays skip the per-call header bookkeeping of setHeader.
const jsonHeaders = ['content-type', 'application/json', 'content-length', String(jsonBytes.length)];
// Chunked, like a real upstream's stream.
const streamHeaders = ['content-type', 'text/event-stream; charset=utf-8', 'cache-control', 'no-cache', 'transfer-encoding', 'chunked'];
const notFound = Buffer.from('{"error":{"message":"The fake upstream serves POST only.","type":"invalid_request_error"}}');

const STREAM_FLAG = '"stream":true';
const SLOW_MODEL = '"slow-stream"';

function answer(request, response, body) {
  if (request.method !== 'POST') {
    response.writeHead(404, ['content-type', 'application/json', 'content-length', String(notFound.length)]);
    response.end(notFound);
  } else if (body.indexOf(STREAM_FLAG) < 0) {
    response.writeHead(200, jsonHeaders);
    response.end(jsonBytes);
  } else if (body.indexOf(SLOW_MODEL) < 0) {
    // One chunk holding every frame.
    response.writeHead(200, streamHeaders);
    response.end(streamBytes);
  } else {
    slowStream(response);
  }
}

function slowStream(response) {
  response.writeHead(200, streamHeaders);
  response.write(headBytes);
  // Each delta is due at a fixed offset from the start: timers that fire late (1,000 streams share
  // one event loop) must not push every later delta back too.
  const start = performance.now();
  let next = 0;
  const tick = () => {
    if (response.destroyed) return;
    response.write(deltaFrames[next++]);
    if (next === DELTA_COUNT) return void response.end(tailBytes);
    setTimeout(tick, Math.max(0, start + next * SLOW_DELTA_INTERVAL_MS - performance.now()));
  };
  tick();
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => answer(request, response, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
// Keep-alive sockets stay open between load runs; a server-side close racing a client's reuse
// would show up as a failed request that the system under test did not cause.
server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;
// A deep accept queue: the system under test may open 1,000 upstream connections at once.
server.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const exit = (why) => {
  process.stderr.write(`fake upstream: ${why}, exiting\n`);
  process.exit(0);
};
process.on('SIGTERM', () => exit('SIGTERM'));
process.on('SIGINT', () => exit('SIGINT'));
// Started by the runner: exit when it does, even if it was killed without a chance to clean up.
if (process.env.BENCH_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', () => exit('the runner is gone'));
  process.stdin.on('error', () => exit('the runner is gone'));
  process.stdin.resume();
}
