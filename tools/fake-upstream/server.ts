/**
 * A real HTTP server that speaks the OpenAI Responses API wire format, for tests that point the
 * adapter at an upstream. Wire facts come from shared/REFERENCE.md §3-6 and §9 and from the real
 * recordings in shared/fixtures/responses-upstream/.
 *
 * - `POST /v1/responses` is validated like the real API (Chat-shaped fields are rejected with the
 *   real error bodies), then answered from a FIFO queue of replies, or a default reply.
 * - `GET/DELETE /v1/responses/:id`, `GET /v1/responses/:id/input_items` and
 *   `POST /v1/responses/:id/cancel` share that queue and answer
 *   404 "Response with id '…' not found." when it is empty.
 * - Streams are written one event per `write()` so incremental delivery and client aborts can be
 *   observed.
 *
 * Nothing here imports from src/: the fake is what the adapter is tested against.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { BackgroundRuns, type BackgroundOptions, type RunAnswer, type StreamTarget } from './background-runs.js';
import { defaultCreateReply } from './default-replies.js';
import { errorBody, findRequestError, invalidJsonError, responseNotFoundError, type RequestError } from './request-validation.js';

export interface RecordedRequest {
  method: string;
  /** path + query as received */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON, or undefined when the body is empty or not JSON */
  body: any;
  rawBody: string;
  /** When it arrived (`Date.now()`), for assertions on what followed what. */
  receivedAt: number;
}

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'raw'; status?: number; body: string; contentType?: string }
  | {
      kind: 'stream';
      /** Extra response headers (rate limits, retry advice) */
      headers?: Record<string, string>;
      /** Responses events without `sequence_number`; the fake numbers them 0, 1, 2… unless `noSequenceNumbers` */
      events: Array<Record<string, unknown>>;
      /** pause between events */
      delayMs?: number;
      /** after writing this many events, keep the socket open until the client goes away */
      holdAfter?: number;
      /** informational: the given events are sent and the stream ends, terminal event or not */
      endWithoutTerminal?: boolean;
      noSequenceNumbers?: boolean;
      noEventLines?: boolean;
      crlf?: boolean;
    }
  | { kind: 'sse-text'; text: string; chunkSize?: number; delayMs?: number }
  | { kind: 'destroy' }
  /** A background run's stream (see background-runs.ts). */
  | { kind: 'run-stream'; write: (target: StreamTarget) => Promise<void> }
  | ((request: RecordedRequest) => Reply | Promise<Reply>);

type ConcreteReply = Exclude<Reply, (request: RecordedRequest) => unknown>;
type StreamReply = Extract<Reply, { kind: 'stream' }>;
type SseTextReply = Extract<Reply, { kind: 'sse-text' }>;

export interface FakeUpstream {
  /** base URL including /v1, e.g. http://127.0.0.1:12345/v1 */
  url: string;
  /** every request received, in order */
  requests: RecordedRequest[];
  /** replies used in FIFO order; when the queue is empty the default reply is used */
  enqueue(...replies: Reply[]): void;
  /** replaces the default reply for `POST /v1/responses` */
  setDefault(reply: Reply): void;
  /** requests whose client closed the connection before the fake finished responding */
  readonly abortedRequests: number;
  /** sockets currently open */
  openConnections(): number;
  /**
   * Resolves on the next client abort not already claimed by an earlier call, so an abort that
   * happened just before the call still counts. Rejects after `timeoutMs` (default 5000).
   */
  waitForAbort(timeoutMs?: number): Promise<void>;
  /** Background runs, when the fake was started with `background` (see background-runs.ts). */
  background: BackgroundRuns | undefined;
  /** destroys open sockets, then stops listening */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** reject requests the real API would reject (default true) */
  validate?: boolean;
  /** Serve `background: true` as stateful runs (GET, resume, cancel, DELETE); off by default. */
  background?: BackgroundOptions;
}

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** resolves when the response's connection closes, for whatever reason */
  closed: Promise<void>;
  isClosed(): boolean;
  /** set when the fake itself ends the connection, so it is not counted as a client abort */
  endedByFake: boolean;
}


// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const validate = options.validate ?? true;
  const background = options.background ? new BackgroundRuns(options.background) : undefined;
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();
  const abortWaiters: Array<() => void> = [];
  let defaultReply: Reply | undefined;
  let abortedRequests = 0;
  let claimedAborts = 0;
  let closing = false;

  function recordAbort(): void {
    abortedRequests += 1;
    while (abortWaiters.length > 0 && claimedAborts < abortedRequests) {
      claimedAborts += 1;
      abortWaiters.shift()?.();
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const exchange = trackExchange(request, response);
    void exchange.closed.then(() => {
      if (!response.writableEnded && !exchange.endedByFake && !closing) recordAbort();
    });

    let rawBody: string;
    try {
      rawBody = await readBody(request);
    } catch {
      return; // the client went away mid-body; counted by the close handler above
    }
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: { ...request.headers },
      body: parseJson(rawBody),
      rawBody,
      receivedAt: Date.now(),
    };
    requests.push(recorded);

    const reply = chooseReply(recorded);
    try {
      const concrete = await resolveReply(reply, recorded);
      if (background && recorded.method === 'POST' && recorded.body?.background !== true) rememberForeground(background, concrete);
      await sendReply(exchange, concrete);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) {
        sendError(exchange, { status: 500, message: `Fake upstream reply failed: ${message}`, param: null, code: null });
      } else {
        exchange.endedByFake = true;
        response.destroy();
      }
    }
  }

  function chooseReply(recorded: RecordedRequest): Reply {
    const { pathname } = new URL(recorded.path, 'http://fake-upstream');
    const { method } = recorded;

    if (method === 'POST' && pathname === '/v1/responses') {
      if (recorded.body === undefined) return errorReply(invalidJsonError());
      if (validate) {
        const error = findRequestError(recorded.body);
        if (error) return errorReply(error);
      }
      if (background && recorded.body.background === true) return backgroundCreate(background, recorded.body, queue.shift() ?? defaultReply);
      return queue.shift() ?? defaultReply ?? defaultCreateReply(recorded.body);
    }
    if (method === 'GET' && pathname === '/v1/models') {
      return {
        kind: 'json',
        body: { object: 'list', data: [{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'system' }] },
      };
    }
    const responseRoute = /^\/v1\/responses\/([^/]+)(\/cancel|\/input_items)?$/.exec(pathname);
    const isResponseRoute =
      responseRoute !== null &&
      (responseRoute[2] === undefined
        ? method === 'GET' || method === 'DELETE'
        : method === (responseRoute[2] === '/cancel' ? 'POST' : 'GET'));
    if (isResponseRoute) {
      const id = decodeURIComponent(responseRoute[1] ?? '');
      const query = new URL(recorded.path, 'http://fake-upstream').searchParams;
      const answer = background?.answer(method, id, responseRoute[2] === undefined ? undefined : 'cancel', query);
      if (answer) return runReply(answer);
      return queue.shift() ?? errorReply(responseNotFoundError(id));
    }
    return errorReply({ status: 404, message: `Invalid URL (${method} ${pathname})`, param: null, code: null });
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      defaultReply = reply;
    },
    get abortedRequests() {
      return abortedRequests;
    },
    openConnections: () => sockets.size,
    background,
    waitForAbort: (timeoutMs = 5000) => {
      if (claimedAborts < abortedRequests) {
        claimedAborts += 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          abortWaiters.splice(abortWaiters.indexOf(onAbort), 1);
          reject(new Error(`No client abort observed by the fake upstream within ${timeoutMs}ms`));
        }, timeoutMs);
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        abortWaiters.push(onAbort);
      });
    },
    close: async () => {
      closing = true;
      background?.close();
      const socketsClosed = [...sockets].map(
        (socket) =>
          new Promise<void>((resolve) => {
            socket.once('close', () => resolve());
            socket.destroy();
          }),
      );
      await Promise.all([...socketsClosed, new Promise<void>((resolve) => server.close(() => resolve()))]);
    },
  };
}

function trackExchange(request: IncomingMessage, response: ServerResponse): Exchange {
  let isClosed = false;
  const closed = new Promise<void>((resolve) => {
    response.once('close', () => {
      isClosed = true;
      resolve();
    });
  });
  return { request, response, closed, isClosed: () => isClosed, endedByFake: false };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): any {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function resolveReply(reply: Reply, request: RecordedRequest): Promise<ConcreteReply> {
  let resolved = reply;
  while (typeof resolved === 'function') resolved = await resolved(request);
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Writing replies
// ---------------------------------------------------------------------------------------------

function wireHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'openai-version': '2020-10-01',
    'openai-processing-ms': '1',
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
  };
}

async function sendReply(exchange: Exchange, reply: ConcreteReply): Promise<void> {
  const { response } = exchange;
  switch (reply.kind) {
    case 'json': {
      if (reply.delayMs) await sleep(reply.delayMs);
      if (exchange.isClosed()) return;
      response.writeHead(reply.status ?? 200, { ...wireHeaders('application/json'), ...reply.headers });
      response.end(JSON.stringify(reply.body));
      return;
    }
    case 'raw':
      response.writeHead(reply.status ?? 200, wireHeaders(reply.contentType ?? 'text/html; charset=utf-8'));
      response.end(reply.body);
      return;
    case 'stream':
      await sendStream(exchange, reply);
      return;
    case 'sse-text':
      await sendSseText(exchange, reply);
      return;
    case 'destroy':
      exchange.endedByFake = true;
      exchange.request.socket.destroy();
      return;
    case 'run-stream':
      await reply.write({
        response,
        isClosed: exchange.isClosed,
        closed: exchange.closed,
        destroy: () => {
          exchange.endedByFake = true;
          exchange.request.socket.destroy();
        },
      });
      return;
    default:
      reply satisfies never;
  }
}

function startEventStream(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, { ...wireHeaders('text/event-stream; charset=utf-8'), 'cache-control': 'no-cache', ...headers });
  response.flushHeaders();
}

async function sendStream(exchange: Exchange, reply: StreamReply): Promise<void> {
  const { response } = exchange;
  startEventStream(response, reply.headers);
  const eventCount = reply.holdAfter === undefined ? reply.events.length : Math.min(reply.holdAfter, reply.events.length);
  for (let index = 0; index < eventCount; index += 1) {
    if (index > 0 && reply.delayMs) await sleep(reply.delayMs);
    if (exchange.isClosed()) return;
    response.write(formatEvent(reply.events[index] ?? {}, index, reply));
  }
  if (reply.holdAfter !== undefined) {
    await exchange.closed;
    return;
  }
  // Real Responses streams end after the terminal event: there is no `data: [DONE]`.
  response.end();
}

function formatEvent(event: Record<string, unknown>, index: number, reply: StreamReply): string {
  const lineEnd = reply.crlf ? '\r\n' : '\n';
  // `type` then `sequence_number` first, as on the wire.
  const payload = reply.noSequenceNumbers
    ? event
    : Object.assign({ type: event.type, sequence_number: index }, event, { sequence_number: index });
  const eventLine = reply.noEventLines ? '' : `event: ${String(event.type)}${lineEnd}`;
  return `${eventLine}data: ${JSON.stringify(payload)}${lineEnd}${lineEnd}`;
}

async function sendSseText(exchange: Exchange, reply: SseTextReply): Promise<void> {
  const { response } = exchange;
  startEventStream(response);
  const bytes = Buffer.from(reply.text, 'utf8');
  const chunkSize = reply.chunkSize ?? Math.max(bytes.length, 1);
  for (let start = 0; start < bytes.length; start += chunkSize) {
    if (start > 0 && reply.delayMs) await sleep(reply.delayMs);
    if (exchange.isClosed()) return;
    response.write(bytes.subarray(start, start + chunkSize));
  }
  response.end();
}

function sendError(exchange: Exchange, error: RequestError): void {
  exchange.response.writeHead(error.status, wireHeaders('application/json'));
  exchange.response.end(JSON.stringify(errorBody(error)));
}

function errorReply(error: RequestError): Reply {
  return { kind: 'json', status: error.status, body: errorBody(error) };
}


// ---------------------------------------------------------------------------------------------
// Background runs (see background-runs.ts)
// ---------------------------------------------------------------------------------------------

/** A background create: refused, an error reply passed on, or a run started from the foreground answer. */
function backgroundCreate(runs: BackgroundRuns, body: Record<string, any>, queued: Reply | undefined): Reply {
  const refusal = runs.refusal(body);
  if (refusal) return errorReply(refusal);
  return async (request) => {
    // The run's events are those of the streamed foreground answer, whichever way the client reads it.
    const reply = await resolveReply(queued ?? defaultCreateReply({ ...body, stream: true }), request);
    if (reply.kind === 'stream') return runReply(runs.create(body, { events: reply.events }));
    if (reply.kind === 'json' && (reply.status ?? 200) < 300) return runReply(runs.create(body, { response: reply.body as Record<string, any> }));
    return reply;
  };
}

function runReply(answer: RunAnswer): Reply {
  if ('stream' in answer) return { kind: 'run-stream', write: answer.stream };
  return { kind: 'json', status: answer.status, body: answer.body };
}

function rememberForeground(runs: BackgroundRuns, reply: ConcreteReply): void {
  if (reply.kind === 'json' && (reply.status ?? 200) < 300) runs.rememberForeground(reply.body as Record<string, unknown>);
  if (reply.kind === 'stream') runs.rememberForeground((reply.events.at(-1)?.response ?? {}) as Record<string, unknown>);
}
