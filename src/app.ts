import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { clientKeyCheck, requireClientKey } from './http/auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { createLogger, logRequest } from './http/logging.js';
import { readJsonBody } from './http/read-body.js';
import { serverTimeouts } from './http/server-timeouts.js';
import { AdapterMetrics } from './metrics/adapter-metrics.js';
import { metricsRouter, requestMetrics } from './metrics/http.js';
import { ReasoningContinuity } from './reasoning/continuity.js';
import { sizeOfReasoning } from './reasoning/replay.js';
import { Redactor } from './redaction.js';
import { chatCompletionsRoute } from './routes/chat-completions.js';
import { healthRouter } from './routes/health.js';
import { modelsRouter } from './routes/models.js';
import { responsesRouter } from './routes/responses.js';
import { ChatService } from './serve/chat-service.js';
import { MemoryStore } from './state/memory-store.js';
import { PassthroughClient } from './upstream/passthrough-client.js';
import { ResponsesClient } from './upstream/responses-client.js';
import { UpstreamTransport } from './upstream/transport.js';

export interface AppDependencies {
  config: Config;
  logger?: Logger;
}

/**
 * The whole service as one request listener; `listen` starts a server with it, as Express apps do,
 * with Node's request timeouts set from BODY_TIMEOUT_MS (see `http/server-timeouts.ts`).
 */
export interface AdapterApp extends RequestListener {
  listen(port: number, host?: string, onListening?: () => void): Server;
  listen(port: number, onListening?: () => void): Server;
  /** Closes the upstream connections (once the servers are closed). */
  close(): Promise<void>;
}

/**
 * The whole service; tests run it in-process against a fake upstream. The chat route is served on
 * plain node:http (it is the hot path); everything else goes through Express.
 */
export function createApp({ config, logger = createLogger(config.logLevel) }: AppDependencies): AdapterApp {
  const metrics = new AdapterMetrics();
  const redactor = new Redactor([config.upstreamApiKey, ...config.adapterApiKeys]);
  const transport = new UpstreamTransport({
    baseUrl: config.upstreamBaseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    retries: config.upstreamRetries,
  });
  const upstream = new ResponsesClient(transport, config.upstreamApiKey, (status, startedAt) => metrics.upstreamAnswered(status, startedAt));
  const passthrough = new PassthroughClient(transport, config.upstreamApiKey, redactor);
  const continuity = new ReasoningContinuity(
    new MemoryStore(config.reasoningCacheBytes, config.reasoningCacheTtlMs, sizeOfReasoning),
    config.reasoningModels,
    config.reasoningContinuity,
  );
  const chat = new ChatService(upstream, continuity, metrics, redactor, {
    translation: { strictParams: config.strictParams, reasoningSummary: config.reasoningSummary },
    answer: { reasoningContent: config.reasoningContent, reasoningField: config.reasoningField },
    stream: {
      idleTimeoutMs: config.streamIdleTimeoutMs,
      heartbeatMs: config.streamHeartbeatMs,
      maxEventBytes: config.streamEventLimitBytes,
    },
    modelAliases: config.modelAliases,
    maxChoices: config.maxChoices,
  });
  const keys = config.adapterApiKeys.length > 0 ? config.adapterApiKeys : undefined;
  const bodyLimits = { bytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs };
  const serveChat = chatCompletionsRoute({
    chat,
    metrics: config.metrics ? metrics : undefined,
    redactor,
    body: bodyLimits,
    checkClientKey: keys && clientKeyCheck(keys),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRouter());
  // Before the client-key check: scrapers need no key. Scrapes themselves are not counted.
  if (config.metrics) app.use(metricsRouter(metrics), requestMetrics(metrics));
  if (keys) app.use(requireClientKey(keys));
  app.use(async (request, _response, next) => {
    try {
      if (request.method === 'POST') request.body = await readJsonBody(request, bodyLimits);
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(modelsRouter(passthrough));
  app.use(
    responsesRouter(passthrough, { redactor, idleTimeoutMs: config.streamIdleTimeoutMs }),
  );
  app.use(notFound());
  app.use(errorHandler(redactor));

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    logRequest(logger, request, response);
    if (request.method === 'POST' && isChatPath(request.url)) serveChat(request, response).catch((error: unknown) => lastResort(error, request, response, redactor));
    else app(request, response);
  };
  return Object.assign(handle, {
    listen(port: number, ...rest: unknown[]): Server {
      return createServer(serverTimeouts(config.bodyTimeoutMs), handle).listen(port, ...(rest as [string, () => void]));
    },
    close: () => transport.close(),
  }) as AdapterApp;
}

/**
 * The chat route renders its own errors; should rendering fail too, the client is not left waiting
 * and the process does not die of an unhandled rejection (Express does the same for its routes).
 */
function lastResort(error: unknown, request: IncomingMessage, response: ServerResponse, redactor: Redactor): void {
  request.log.error({ err: error instanceof Error ? redactor.unexpected(error, request.headers.authorization) : error }, 'the error answer could not be written');
  response.destroy();
}

const CHAT_PATH = '/v1/chat/completions';

/** The chat route as Express would match it: any case, an optional trailing slash, an absolute target. */
function isChatPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  let start = 0;
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
    if (!authority) return false;
    start = authority[0].length;
  }
  let end = url.indexOf('?', start);
  if (end === -1) end = url.length;
  if (end - start === CHAT_PATH.length + 1 && url.charCodeAt(end - 1) === 0x2f) end--;
  return end - start === CHAT_PATH.length && url.slice(start, end).toLowerCase() === CHAT_PATH;
}
