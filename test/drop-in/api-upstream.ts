/**
 * A small node:http upstream for the routes the adapter forwards as they are (embeddings, files,
 * audio, legacy completions, models, …), plus a minimal `POST /v1/responses` for the chat route.
 * It records every request with its raw bytes, counts requests and sockets in flight at once, and
 * lets a test take over any route (`route(method, path, handler)`) or hold answers (`hold()`).
 *
 * Wire shapes follow the OpenAI API reference: embeddings as floats or base64 of float32 (the
 * official SDK asks for base64), file objects, `text_completion`, audio as raw bytes.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Every header line as sent, in order (names in their case). */
  rawHeaders: string[];
  body: Buffer;
  /** Bytes received so far (grows while the body arrives). */
  received: number;
  complete: boolean;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, seen: SeenRequest) => void | Promise<void>;

export interface ApiUpstream {
  /** Base URL including /v1. */
  url: string;
  requests: SeenRequest[];
  /** Answers `method` on `path` (the path without query, exactly) with `handler` instead of the default. */
  route(method: string, path: string, handler: Handler): void;
  /** Holds every answer until `release()`; `waitForRequests(n)` tells when n requests are held. */
  hold(): { release(): void };
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Most requests being answered at once, since the start. */
  readonly maxInFlight: number;
  readonly inFlight: number;
  /** Most sockets open at once, since the start. */
  readonly maxSockets: number;
  close(): Promise<void>;
}

/** Deterministic bytes of every value (audio, file content): a change of any one byte shows. */
export function patternBytes(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

export const SPEECH_BYTES = patternBytes(300 * 1024, 11);
export const EMBEDDING = [0.25, -0.5, 1];

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The content of the `name` part of a multipart/form-data body, as bytes. */
export function multipartPart(body: Buffer, contentType: string | undefined, name: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headersEnd = body.indexOf('\r\n\r\n', at);
    if (headersEnd === -1) return undefined;
    const headers = body.subarray(at, headersEnd).toString('latin1');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (next === -1) return undefined;
    if (new RegExp(`name="${name}"`).test(headers)) return body.subarray(headersEnd + 4, next);
    at = next + 2;
  }
  return undefined;
}

export async function startApiUpstream(): Promise<ApiUpstream> {
  const requests: SeenRequest[] = [];
  const routes = new Map<string, Handler>();
  const sockets = new Set<Socket>();
  let holding: Promise<void> | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  let maxSockets = 0;
  const waiters: Array<() => void> = [];

  const server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.once('close', () => inFlight--);
    const seen: SeenRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      body: Buffer.alloc(0),
      received: 0,
      complete: false,
    };
    requests.push(seen);
    for (const wake of waiters.splice(0)) wake();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      seen.received += chunk.length;
    });
    request.on('end', () => {
      seen.body = Buffer.concat(chunks);
      seen.complete = true;
    });
    const path = seen.url.split('?')[0]!;
    const handler = routes.get(`${seen.method} ${path}`) ?? defaultHandler(seen.method, path);
    const answer = async (): Promise<void> => {
      if (holding) await holding;
      await handler(request, response, seen);
    };
    answer().catch(() => response.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    maxSockets = Math.max(maxSockets, sockets.size);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    route: (method, path, handler) => void routes.set(`${method} ${path}`, handler),
    hold() {
      let release = (): void => {};
      holding = new Promise<void>((resolve) => (release = resolve));
      return {
        release: () => {
          holding = undefined;
          release();
        },
      };
    },
    async waitForRequests(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`The upstream got ${requests.length} requests, not ${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 20);
        });
      }
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    get maxSockets() {
      return maxSockets;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The whole body, once it has arrived. */
export function bodyOf(request: IncomingMessage, seen: SeenRequest): Promise<Buffer> {
  if (seen.complete) return Promise.resolve(seen.body);
  return new Promise((resolve) => request.once('end', () => resolve(seen.body)));
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/** What the real API sends with every answer. */
const API_HEADERS = {
  'openai-version': '2020-10-01',
  'openai-processing-ms': '42',
  'openai-organization': 'org-operator-name',
  'x-request-id': 'req_upstream_1',
  'x-ratelimit-limit-requests': '5000',
  'x-ratelimit-remaining-requests': '4999',
  'set-cookie': '__cf_bm=upstream-cookie; path=/',
};

function defaultHandler(method: string, path: string): Handler {
  const key = `${method} ${path}`;
  if (key === 'POST /v1/embeddings') return embeddings;
  if (key === 'POST /v1/files') return fileUpload;
  if (key === 'POST /v1/audio/speech') return speech;
  if (key === 'POST /v1/completions') return completions;
  if (key === 'POST /v1/responses') return responses;
  if (key === 'GET /v1/models') return (_request, response) => json(response, 200, { object: 'list', data: MODELS }, API_HEADERS);
  const model = /^\/v1\/models\/([^/]+)$/.exec(path);
  if (method === 'GET' && model) {
    const id = decodeURIComponent(model[1]!);
    const found = MODELS.find((entry) => entry.id === id);
    return (_request, response) =>
      found
        ? json(response, 200, found, API_HEADERS)
        : json(response, 404, { error: { message: `The model '${id}' does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
  }
  return (_request, response) =>
    json(response, 404, { error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
}

export const MODELS = [
  { id: 'gpt-5-pro', object: 'model', created: 1_700_000_001, owned_by: 'system' },
  { id: 'text-embedding-3-small', object: 'model', created: 1_700_000_002, owned_by: 'system' },
];

const embeddings: Handler = async (request, response, seen) => {
  const body = JSON.parse((await bodyOf(request, seen)).toString('utf8')) as { model: string; encoding_format?: string };
  const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(EMBEDDING).buffer).toString('base64') : EMBEDDING;
  json(
    response,
    200,
    { object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: body.model, usage: { prompt_tokens: 3, total_tokens: 3 } },
    API_HEADERS,
  );
};

const fileUpload: Handler = async (request, response, seen) => {
  const body = await bodyOf(request, seen);
  const file = multipartPart(body, request.headers['content-type'], 'file');
  const purpose = multipartPart(body, request.headers['content-type'], 'purpose')?.toString('utf8');
  json(response, 200, {
    id: 'file-abc123',
    object: 'file',
    bytes: file?.length ?? -1,
    created_at: 1_700_000_000,
    filename: 'upload.jsonl',
    purpose: purpose ?? 'unknown',
    // The fake's own view of what arrived, for the test to compare.
    sha256: file === undefined ? null : sha256(file),
  });
};

/** Audio in pieces, as a real answer arrives. */
const speech: Handler = async (request, response, seen) => {
  await bodyOf(request, seen);
  response.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(SPEECH_BYTES.length), ...API_HEADERS });
  for (let start = 0; start < SPEECH_BYTES.length; start += 64 * 1024) {
    if (!response.write(SPEECH_BYTES.subarray(start, start + 64 * 1024))) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
};

const completions: Handler = async (request, response, seen) => {
  const body = JSON.parse((await bodyOf(request, seen)).toString('utf8')) as { model: string; prompt: string; stream?: boolean };
  const completion = (text: string, finish: string | null) => ({
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1_700_000_000,
    model: body.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
  });
  if (!body.stream) {
    json(response, 200, { ...completion(`Echo: ${body.prompt}`, 'stop'), usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } }, API_HEADERS);
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', ...API_HEADERS });
  for (const [text, finish] of [['Echo', null], [': ', null], [body.prompt, 'stop']] as const) {
    response.write(`data: ${JSON.stringify(completion(text, finish))}\n\n`);
  }
  response.end('data: [DONE]\n\n');
};

/** A minimal completed Response (or its stream) for the chat route. */
const responses: Handler = async (request, response, seen) => {
  const body = JSON.parse((await bodyOf(request, seen)).toString('utf8')) as { model: string; stream?: boolean };
  const answer = {
    id: 'resp_1',
    object: 'response',
    created_at: 1_700_000_000,
    status: 'completed',
    model: body.model,
    output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi.', annotations: [] }] }],
    usage: { input_tokens: 2, output_tokens: 1, total_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
  };
  if (!body.stream) return json(response, 200, answer);
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const events = [
    { type: 'response.created', response: { ...answer, status: 'in_progress', output: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi.' },
    { type: 'response.completed', response: answer },
  ];
  events.forEach((event, index) => response.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`));
  response.end();
};
