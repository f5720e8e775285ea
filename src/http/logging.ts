import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { ApiError, InternalError } from '../errors.js';
import type { RequestOutcome } from '../serve/request-outcome.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: a sane incoming `x-request-id`, or a new one. */
    id: string;
    /** A logger whose lines carry this request (made on first use). */
    log: Logger;
  }
  interface ServerResponse {
    /** The error the request ended with, for its log line. */
    err?: unknown;
    /** What the request came to (model, usage, …), for its log line and the token metrics. */
    outcome?: RequestOutcome;
  }
}

/** Paths of secrets in anything we log; bodies are never logged at all. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'authorization',
  'apiKey',
  'upstreamApiKey',
  'adapterApiKeys',
];

/**
 * The service's logger. Without a destination, lines are written asynchronously (pino's own
 * buffered destination, flushed on exit), so a busy request path never waits on stdout.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return pino(options, (destination as pino.DestinationStream | undefined) ?? pino.destination({ sync: false }));
}

/** An ApiError is an answer, not a fault: its stack says nothing. Anything else keeps its stack. */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as Record<string, unknown>;
  if (error instanceof ApiError && !(error instanceof InternalError)) delete serialized.stack;
  return serialized;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes: their lines are at debug, so a busy orchestrator does not fill the log. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request, written when its response closes: id, method, path (never the query,
 * which may carry a key), status, time, the error it ended with, and what the pipeline noted of
 * it (models asked and served, stream, n, upstream status, finish reasons, tokens, warnings).
 * 5xx at error (a shutdown's 503 at warn), 4xx at warn, probes and scrapes at debug.
 * The id comes from a sane `x-request-id` or is new, and is echoed back. Costs one listener and,
 * only when something logs during the request, one child logger.
 */
export function logRequest(logger: Logger, request: IncomingMessage, response: ServerResponse): void {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader('x-request-id', id);
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const req = { id, method: request.method, path: query === -1 ? url : url.slice(0, query) };
  const startedAt = Date.now();
  let child: Logger | undefined;
  request.id = id;
  Object.defineProperty(request, 'log', { configurable: true, get: () => (child ??= logger.child({ req })) });
  response.once('close', () => {
    const { statusCode: status, err, outcome } = response;
    const failed = err !== undefined || status >= 500;
    const level = levelOf(status, err, req.path);
    if (!logger.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = { req, res: { statusCode: status }, responseTime: Date.now() - startedAt };
    if (outcome) Object.assign(line, outcome);
    if (failed) line.err = err ?? new Error(`failed with status code ${status}`);
    const message = failed ? 'request errored' : response.writableEnded ? 'request completed' : 'request aborted';
    logger[level](line, message);
  });
}

function levelOf(status: number, err: unknown, path: string): 'error' | 'warn' | 'info' | 'debug' {
  if (status >= 500) return (err as ApiError | undefined)?.code === 'shutting_down' ? 'warn' : 'error';
  if (status >= 400) return 'warn';
  return QUIET_PATHS.has(path) ? 'debug' : 'info';
}
