/**
 * A real HTTP server that speaks the OpenAI Responses API wire format, for tests that point the
 * adapter at an upstream. Wire facts come from shared/REFERENCE.md §3-6 and §9 and from the real
 * recordings in shared/fixtures/responses-upstream/.
 *
 * - `POST /v1/responses` is validated like the real API (Chat-shaped fields are rejected with the
 *   real error bodies), then answered from a FIFO queue of replies, or a default reply.
 * - `GET/DELETE /v1/responses/:id` and `POST /v1/responses/:id/cancel` share that queue and answer
 *   404 "Response with id '…' not found." when it is empty.
 * - Streams are written one event per `write()` so incremental delivery and client aborts can be
 *   observed.
 *
 * This file deliberately does not import anything from src/.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { responsesUsage } from './usage-objects.js';

export interface RecordedRequest {
  method: string;
  /** path + query as received */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** parsed JSON, or undefined when the body is empty or not JSON */
  body: any;
  rawBody: string;
}

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'raw'; status?: number; body: string; contentType?: string }
  | {
      kind: 'stream';
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
  /** destroys open sockets, then stops listening */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** reject requests the real API would reject (default true) */
  validate?: boolean;
}

interface RequestError {
  status: number;
  message: string;
  param: string | null;
  code: string | null;
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

const defaultModel = 'gpt-test-2026-01-01';
const defaultText = 'Hello from the fake upstream.';

const responseCreateParameters = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'max_tool_calls', 'temperature', 'top_p', 'top_logprobs', 'text', 'reasoning', 'include',
  'previous_response_id', 'conversation', 'store', 'background', 'stream', 'stream_options', 'truncation',
  'metadata', 'user', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention',
  'prompt_cache_options', 'service_tier', 'prompt', 'moderation', 'context_management',
]);

/** Request fields the real API echoes back on the Response object. */
const echoedParameters = [
  'model', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'max_tool_calls', 'temperature', 'top_p', 'top_logprobs', 'reasoning', 'previous_response_id', 'store',
  'background', 'truncation', 'metadata', 'user', 'safety_identifier', 'prompt_cache_key',
  'prompt_cache_retention',
] as const;

const inputRoles = ['assistant', 'system', 'developer', 'user'];
const inputContentTypes = [
  'input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', 'summary_text',
];

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const validate = options.validate ?? true;
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
    };
    requests.push(recorded);

    const reply = chooseReply(recorded);
    try {
      await sendReply(exchange, await resolveReply(reply, recorded));
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
      return queue.shift() ?? defaultReply ?? defaultCreateReply(recorded.body);
    }
    if (method === 'GET' && pathname === '/v1/models') {
      return {
        kind: 'json',
        body: { object: 'list', data: [{ id: 'gpt-test', object: 'model', created: 1700000000, owned_by: 'system' }] },
      };
    }
    const responseRoute = /^\/v1\/responses\/([^/]+)(\/cancel)?$/.exec(pathname);
    const isResponseRoute =
      responseRoute !== null &&
      (responseRoute[2] === undefined ? method === 'GET' || method === 'DELETE' : method === 'POST');
    if (isResponseRoute) {
      const id = decodeURIComponent(responseRoute[1] ?? '');
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
    default:
      reply satisfies never;
  }
}

function startEventStream(response: ServerResponse): void {
  response.writeHead(200, { ...wireHeaders('text/event-stream; charset=utf-8'), 'cache-control': 'no-cache' });
  response.flushHeaders();
}

async function sendStream(exchange: Exchange, reply: StreamReply): Promise<void> {
  const { response } = exchange;
  startEventStream(response);
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

function errorBody(error: RequestError): { error: Record<string, unknown> } {
  return { error: { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code } };
}

function errorReply(error: RequestError): Reply {
  return { kind: 'json', status: error.status, body: errorBody(error) };
}

function invalidJsonError(): RequestError {
  return {
    status: 400,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    param: null,
    code: null,
  };
}

function responseNotFoundError(id: string): RequestError {
  return { status: 404, message: `Response with id '${id}' not found.`, param: null, code: null };
}

function defaultCreateReply(requestBody: unknown): Reply {
  const body = isRecord(requestBody) ? requestBody : {};
  const echoed: Record<string, unknown> = {};
  for (const key of echoedParameters) if (body[key] !== undefined) echoed[key] = body[key];
  if (body.text !== undefined) echoed.text = { verbosity: 'medium', ...body.text };
  const response = responseObject({ ...echoed, output: [messageItem(defaultText)] });
  if (body.stream === true) {
    return { kind: 'stream', events: textStreamEvents(response, ['Hello', ' from', ' the fake', ' upstream.']) };
  }
  return { kind: 'json', body: response };
}

// ---------------------------------------------------------------------------------------------
// Validation: what the real API rejects, so Chat-shaped requests fail here too
// ---------------------------------------------------------------------------------------------

/** Returns the first error the real API would report for this create body, or undefined. */
function findRequestError(body: unknown): RequestError | undefined {
  if (!isRecord(body)) return badRequest('Invalid body: expected a JSON object.', null, null);
  return (
    checkTopLevelParameters(body) ??
    checkNumberRanges(body) ??
    checkTools(body.tools) ??
    checkToolChoice(body.tool_choice) ??
    checkTextFormat(body.text) ??
    checkInput(body.input, body.previous_response_id != null || body.conversation != null)
  );
}

function badRequest(message: string, param: string | null, code: string | null): RequestError {
  return { status: 400, message, param, code };
}

function unknownParameter(param: string): RequestError {
  return badRequest(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
}

function missingParameter(param: string): RequestError {
  return badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function invalidValue(param: string, value: unknown, supported: string[]): RequestError {
  const list = supported.map((item) => `'${item}'`);
  const listText = `${list.slice(0, -1).join(', ')}, and ${list.at(-1)}`;
  return badRequest(`Invalid value: '${String(value)}'. Supported values are: ${listText}.`, param, 'invalid_value');
}

function checkTopLevelParameters(body: Record<string, any>): RequestError | undefined {
  const unknown = Object.keys(body).find((key) => !responseCreateParameters.has(key));
  if (unknown !== undefined) return unknownParameter(unknown);
  // A stored prompt template may supply the model.
  if (body.model == null && body.prompt == null) return missingParameter('model');
  return undefined;
}

function checkNumberRanges(body: Record<string, any>): RequestError | undefined {
  const { max_output_tokens: maxOutputTokens, temperature, top_p: topP } = body;
  if (typeof maxOutputTokens === 'number' && maxOutputTokens < 16) {
    return badRequest(
      `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${maxOutputTokens} instead.`,
      'max_output_tokens',
      'integer_below_min_value',
    );
  }
  return checkDecimalRange('temperature', temperature, 0, 2) ?? checkDecimalRange('top_p', topP, 0, 1);
}

function checkDecimalRange(param: string, value: unknown, minimum: number, maximum: number): RequestError | undefined {
  if (typeof value !== 'number') return undefined;
  if (value < minimum) {
    return badRequest(
      `Invalid '${param}': decimal below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`,
      param,
      'decimal_below_min_value',
    );
  }
  if (value > maximum) {
    return badRequest(
      `Invalid '${param}': decimal above maximum value. Expected a value <= ${maximum}, but got ${value} instead.`,
      param,
      'decimal_above_max_value',
    );
  }
  return undefined;
}

function checkTools(tools: unknown): RequestError | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool) || tool.type !== 'function') continue;
    // The Chat shape `{type:'function', function:{name,…}}` is reported as a missing flat `name`.
    if (typeof tool.name !== 'string') return missingParameter(`tools[${index}].name`);
    if ('function' in tool) return unknownParameter(`tools[${index}].function`);
  }
  return undefined;
}

function checkToolChoice(toolChoice: unknown): RequestError | undefined {
  if (!isRecord(toolChoice)) return undefined;
  const chatShapedKey = ['function', 'custom', 'allowed_tools'].find((key) => key in toolChoice);
  return chatShapedKey === undefined ? undefined : unknownParameter(`tool_choice.${chatShapedKey}`);
}

function checkTextFormat(text: unknown): RequestError | undefined {
  if (!isRecord(text) || !isRecord(text.format)) return undefined;
  if (text.format.type === 'json_schema' && 'json_schema' in text.format) {
    return unknownParameter('text.format.json_schema');
  }
  return undefined;
}

function checkInput(input: unknown, continuesEarlierResponse: boolean): RequestError | undefined {
  if (!Array.isArray(input)) return undefined;
  const callIds = new Set<unknown>();
  for (const [index, item] of input.entries()) {
    if (!isRecord(item)) continue;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'message') {
      const error = checkInputMessage(item, index);
      if (error) return error;
    }
    if (type === 'function_call' || type === 'custom_tool_call') callIds.add(item.call_id);
    // Outputs may answer calls of the response named by previous_response_id / conversation.
    if (type === 'function_call_output' && !continuesEarlierResponse && !callIds.has(item.call_id)) {
      return badRequest(`No tool call found for function call output with call_id ${String(item.call_id)}.`, 'input', null);
    }
    if (type === 'reasoning' && 'status' in item) return unknownParameter(`input[${index}].status`);
  }
  return undefined;
}

function checkInputMessage(message: Record<string, any>, index: number): RequestError | undefined {
  if (!inputRoles.includes(message.role)) return invalidValue(`input[${index}].role`, message.role, inputRoles);
  if ('tool_calls' in message) return unknownParameter(`input[${index}].tool_calls`);
  if (!Array.isArray(message.content)) return undefined;
  for (const [partIndex, part] of message.content.entries()) {
    if (isRecord(part) && !inputContentTypes.includes(part.type)) {
      return invalidValue(`input[${index}].content[${partIndex}].type`, part.type, inputContentTypes);
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Wire object builders
// ---------------------------------------------------------------------------------------------

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number): string {
  return Array.from(randomBytes(length), (byte) => alphanumeric[byte % alphanumeric.length]).join('');
}

/** `resp_`, `msg_` and `fc_` ids are 50 hex characters after the prefix in real traffic. */
function newItemId(prefix: 'resp' | 'msg' | 'fc'): string {
  return `${prefix}_${randomBytes(25).toString('hex')}`;
}

/** Random padding on delta events; observed lengths make delta + obfuscation 16 characters. */
function obfuscation(delta: string): string {
  return randomAlphanumeric(Math.max(1, 16 - delta.length));
}

/** A full Response object as the real API sends it, including fields the SDK types lack. */
export function responseObject(
  overrides: Partial<Record<string, unknown>> & { output?: unknown[] } = {},
): Record<string, any> {
  const createdAt = Math.floor(Date.now() / 1000);
  const response: Record<string, any> = {
    id: newItemId('resp'),
    object: 'response',
    created_at: createdAt,
    status: 'completed',
    background: false,
    completed_at: null,
    error: null,
    frequency_penalty: 0,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: defaultModel,
    output: [],
    parallel_tool_calls: true,
    presence_penalty: 0,
    previous_response_id: null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
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
    usage: responsesUsage(11, 10),
    user: null,
    metadata: {},
    ...overrides,
  };
  if (!('completed_at' in overrides) && response.status === 'completed') response.completed_at = response.created_at;
  return response;
}

export function messageItem(text: string, extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: newItemId('msg'),
    type: 'message',
    status: 'completed',
    content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
    role: 'assistant',
    ...extra,
  };
}

export function functionCallItem(name: string, args: string, callId?: string): Record<string, any> {
  return {
    id: newItemId('fc'),
    type: 'function_call',
    status: 'completed',
    arguments: args,
    call_id: callId ?? `call_${randomAlphanumeric(24)}`,
    name,
  };
}

/**
 * Events for a response whose message text arrives as `deltas`. The message is the first
 * `message` item in `response.output` (its text must equal the joined deltas); when there is
 * none, a message item with the joined text is appended. Other output items are streamed whole.
 */
export function textStreamEvents(response: Record<string, any>, deltas: string[]): Array<Record<string, unknown>> {
  const text = deltas.join('');
  const output: Array<Record<string, any>> = [...(response.output ?? [])];
  let messageIndex = output.findIndex((item) => item.type === 'message');
  if (messageIndex === -1) {
    output.push(messageItem(text));
    messageIndex = output.length - 1;
  } else {
    const finalText = firstOutputText(output[messageIndex])?.text;
    if (finalText !== text) {
      throw new Error(`textStreamEvents: deltas join to ${JSON.stringify(text)} but the message holds ${JSON.stringify(finalText)}`);
    }
  }
  return responseStreamEvents({ ...response, output }, new Map([[messageIndex, deltas]]));
}

/**
 * Events for a response with function calls whose arguments arrive as `args` fragments. The k-th
 * call uses the k-th `function_call` item of `response.output` when present (name, arguments and
 * call id must match), otherwise a new item is appended.
 */
export function functionCallStreamEvents(
  response: Record<string, any>,
  calls: Array<{ name: string; args: string[]; callId?: string }>,
): Array<Record<string, unknown>> {
  const output: Array<Record<string, any>> = [...(response.output ?? [])];
  const existingCalls = output.filter((item) => item.type === 'function_call');
  const fragmentsByOutputIndex = new Map<number, string[]>();
  for (const [callIndex, call] of calls.entries()) {
    const args = call.args.join('');
    const existing = existingCalls[callIndex];
    if (existing === undefined) {
      output.push(functionCallItem(call.name, args, call.callId));
      fragmentsByOutputIndex.set(output.length - 1, call.args);
      continue;
    }
    const matches =
      existing.name === call.name &&
      existing.arguments === args &&
      (call.callId === undefined || existing.call_id === call.callId);
    if (!matches) {
      throw new Error(`functionCallStreamEvents: call ${callIndex} does not match ${JSON.stringify(existing)}`);
    }
    fragmentsByOutputIndex.set(output.indexOf(existing), call.args);
  }
  return responseStreamEvents({ ...response, output }, fragmentsByOutputIndex);
}

function firstOutputText(item: Record<string, any> | undefined): Record<string, any> | undefined {
  return (item?.content ?? []).find((part: Record<string, any>) => part.type === 'output_text');
}

function terminalEventType(status: unknown): string {
  if (status === 'incomplete') return 'response.incomplete';
  if (status === 'failed') return 'response.failed';
  return 'response.completed';
}

/** created → in_progress → per output item events → terminal event (by the final status). */
function responseStreamEvents(
  finalResponse: Record<string, any>,
  fragmentsByOutputIndex: Map<number, string[]>,
): Array<Record<string, unknown>> {
  // The snapshot in created/in_progress has no output or usage yet, and service_tier 'auto'
  // until the final response names the tier actually used.
  const snapshot = (): Record<string, unknown> => ({
    ...finalResponse,
    status: 'in_progress',
    ...('completed_at' in finalResponse ? { completed_at: null } : {}),
    output: [],
    usage: null,
    service_tier: 'auto',
  });
  const output: Array<Record<string, any>> = finalResponse.output;
  return [
    { type: 'response.created', response: snapshot() },
    { type: 'response.in_progress', response: snapshot() },
    ...output.flatMap((item, outputIndex) => outputItemEvents(item, outputIndex, fragmentsByOutputIndex.get(outputIndex))),
    { type: terminalEventType(finalResponse.status), response: finalResponse },
  ];
}

function outputItemEvents(
  item: Record<string, any>,
  outputIndex: number,
  fragments: string[] | undefined,
): Array<Record<string, unknown>> {
  const added = (inProgressItem: Record<string, unknown>) => ({
    type: 'response.output_item.added',
    output_index: outputIndex,
    item: inProgressItem,
  });
  const done = { type: 'response.output_item.done', output_index: outputIndex, item };

  if (item.type === 'message') {
    const textPart = firstOutputText(item);
    const contentEvents = (item.content ?? []).flatMap((part: Record<string, any>, contentIndex: number) =>
      contentPartEvents(item.id, outputIndex, contentIndex, part, part === textPart ? fragments : undefined),
    );
    return [added({ ...item, status: 'in_progress', content: [] }), ...contentEvents, done];
  }
  if (item.type === 'function_call') {
    const deltas = fragments ?? (item.arguments ? [item.arguments] : []);
    return [
      added({ ...item, status: 'in_progress', arguments: '' }),
      ...deltas.map((delta: string) => ({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: outputIndex,
        delta,
        obfuscation: obfuscation(delta),
      })),
      // No `name` here: the types require it, but real traffic never carries it (REFERENCE §9.15).
      { type: 'response.function_call_arguments.done', item_id: item.id, output_index: outputIndex, arguments: item.arguments },
      done,
    ];
  }
  // Items without deltas (e.g. reasoning without a requested summary) arrive as added + done only.
  return [added('status' in item ? { ...item, status: 'in_progress' } : item), done];
}

function contentPartEvents(
  itemId: string,
  outputIndex: number,
  contentIndex: number,
  part: Record<string, any>,
  fragments: string[] | undefined,
): Array<Record<string, unknown>> {
  const location = { item_id: itemId, output_index: outputIndex, content_index: contentIndex };
  const partAdded = (emptyPart: Record<string, unknown>) => ({ type: 'response.content_part.added', ...location, part: emptyPart });
  const partDone = { type: 'response.content_part.done', ...location, part };

  if (part.type === 'output_text') {
    const text: string = part.text ?? '';
    const deltas = fragments ?? (text ? [text] : []);
    const annotations: unknown[] = part.annotations ?? [];
    return [
      partAdded({ type: 'output_text', annotations: [], logprobs: [], text: '' }),
      ...deltas.map((delta) => ({
        type: 'response.output_text.delta',
        ...location,
        delta,
        logprobs: [],
        obfuscation: obfuscation(delta),
      })),
      ...annotations.map((annotation, annotationIndex) => ({
        type: 'response.output_text.annotation.added',
        ...location,
        annotation_index: annotationIndex,
        annotation,
      })),
      { type: 'response.output_text.done', ...location, text, logprobs: part.logprobs ?? [] },
      partDone,
    ];
  }
  if (part.type === 'refusal') {
    const refusal: string = part.refusal ?? '';
    return [
      partAdded({ type: 'refusal', refusal: '' }),
      { type: 'response.refusal.delta', ...location, delta: refusal },
      { type: 'response.refusal.done', ...location, refusal },
      partDone,
    ];
  }
  return [partAdded(part), partDone];
}
