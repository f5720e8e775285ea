import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { clientKeyCheck, requireClientKey } from './http/auth.js';
import { Drain, type DrainReport } from './http/drain.js';
import { corsHandler } from './http/cors.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { createLogger, logRequest } from './http/logging.js';
import { readJsonBody } from './http/read-body.js';
import { serverTimeouts } from './http/server-timeouts.js';
import { AdapterMetrics } from './metrics/adapter-metrics.js';
import { metricsRouter, requestMetrics } from './metrics/http.js';
import { ReasoningContinuity } from './reasoning/continuity.js';
import { Redactor } from './redaction.js';
import { chatCompletionsRoute } from './routes/chat-completions.js';
import { healthRouter } from './routes/health.js';
import { modelsRouter } from './routes/models.js';
import { passthroughRouter } from './routes/passthrough.js';
import { responsesRouter } from './routes/responses.js';
import { storedCompletionsRouter } from './routes/stored-completions.js';
import { RouteFence } from './routes/route-fence.js';
import { translateRouter } from './routes/translate.js';
import { ChatService, chatTranslationFrom } from './serve/chat-service.js';
import { migrationObservers } from './migration/observers.js';
import { OpenStreams } from './serve/open-streams.js';
import { BACKGROUND_PACE } from './serve/background-upstream.js';
import { RunsInFlight, type RunRecord } from './serve/runs-in-flight.js';
import { CompletionRecorder } from './stored/completion-recorder.js';
import { StoredCompletions } from './stored/stored-completions.js';
import { createStateBackend } from './state/backend.js';
import { ConcurrencyLimit } from './upstream/concurrency.js';
import { PassthroughClient } from './upstream/passthrough-client.js';
import { ResponseRunsClient } from './upstream/response-runs-client.js';
import { ResponsesClient } from './upstream/responses-client.js';
import { StoredResponsesClient } from './upstream/stored-responses-client.js';
import { StreamedPassthrough } from './upstream/streamed-passthrough.js';
import { UpstreamTransport } from './upstream/transport.js';

export interface AppDependencies {
  config: Config;
  logger?: Logger;
  /** With WORKERS > 1: what `/metrics` serves, every worker's metrics (see cluster/worker-metrics.ts). */
  metricsExposition?: () => Promise<string>;
}

/**
 * The whole service as one request listener; `listen` starts a server with it, as Express apps do,
 * with Node's request timeouts set from BODY_TIMEOUT_MS (see `http/server-timeouts.ts`).
 */
export interface AdapterApp extends RequestListener {
  listen(port: number, host?: string, onListening?: () => void): Server;
  listen(port: number, onListening?: () => void): Server;
  /** Closes the upstream and Redis connections (once the servers are closed). */
  close(): Promise<void>;
  /** This process's metrics in the exposition format (what a worker hands the primary). */
  metricsText(): string;
  /**
   * Drains: readiness 503, new requests 503, idle sockets closed; open streams get `graceMs` to
   * finish, then an error frame. Resolves when every request is over, the servers are closed and
   * the upstream calls no client waits for any more are ended.
   */
  shutdown(graceMs: number): Promise<DrainReport>;
}

/**
 * The whole service; tests run it in-process against a fake upstream. The chat route is served on
 * plain node:http (it is the hot path); everything else goes through Express.
 */
export function createApp({ config, logger = createLogger(config.logLevel), metricsExposition }: AppDependencies): AdapterApp {
  const metrics = new AdapterMetrics({ processMetrics: config.metrics });
  const state = createStateBackend(config, logger, metrics);
  const openStreams = new OpenStreams();
  const drain = new Drain(openStreams);
  const redactor = new Redactor([config.upstreamApiKey, ...config.adapterApiKeys, config.shadowChatApiKey]);
  const observers = migrationObservers(config, redactor, metrics, logger);
  const transport = new UpstreamTransport({
    baseUrl: config.upstreamBaseUrl,
    setting: 'UPSTREAM_BASE_URL',
    timeoutMs: config.upstreamTimeoutMs,
    retries: config.upstreamRetries,
    connections: config.maxConcurrentUpstream,
  });
  const slots = new ConcurrencyLimit(config.maxConcurrentUpstream);
  if (config.adapterAuth === 'none' && config.upstreamApiKey) {
    logger.warn('ADAPTER_AUTH=none: clients are served without a key, on UPSTREAM_API_KEY. Anyone who can reach this port uses it.');
  }
  const upstream = new ResponsesClient(transport, config.upstreamApiKey, (status, startedAt, call) => {
    metrics.upstreamAnswered(status, startedAt);
    if (call.outcome) call.outcome.upstreamStatus = status;
  });
  const passthrough = new PassthroughClient(transport, config.upstreamApiKey, redactor);
  const continuity = new ReasoningContinuity(state.reasoning, config.reasoningModels, config.reasoningContinuity);
  // Background runs in flight, so that a shutdown cancels and deletes those it cuts.
  const runs = new RunsInFlight(
    state.store<RunRecord>('background-runs', { maxBytes: RUNS_STORE_BYTES, ttlMs: RUNS_STORE_TTL_MS, sizeOf: () => 128 }),
    logger,
  );
  const background = {
    upstream: new ResponseRunsClient(transport, config.upstreamApiKey),
    settings: { mode: config.background, models: config.backgroundModels, timeoutMs: config.upstreamTimeoutMs, ...BACKGROUND_PACE },
    runs,
    metrics,
    redactor,
    log: logger,
  };
  const translation = chatTranslationFrom(config);
  const answerOptions = { reasoningContent: config.reasoningContent, reasoningField: config.reasoningField };
  const completionsIndex = state.completions;
  const stored = new StoredCompletions(completionsIndex, new StoredResponsesClient(transport, config.upstreamApiKey), {
    // Each client's own key goes upstream, which holds only that key's Responses (see stored-completions.ts).
    upstreamFallback: !config.upstreamApiKey,
    answerOptions,
    redactor,
  });
  const chat = new ChatService(upstream, continuity, metrics, redactor, {
    ...translation,
    answer: answerOptions,
    observer: new CompletionRecorder(completionsIndex, logger),
    stream: {
      idleTimeoutMs: config.streamIdleTimeoutMs,
      heartbeatMs: config.streamHeartbeatMs,
      maxEventBytes: config.streamEventLimitBytes,
    },
    openStreams,
    background: config.background === 'off' ? undefined : background,
  });
  const keys = config.adapterApiKeys.length > 0 ? config.adapterApiKeys : undefined;
  const bodyLimits = { bytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs };
  const serveChat = chatCompletionsRoute({
    chat,
    metrics: config.metrics ? metrics : undefined,
    redactor,
    body: bodyLimits,
    checkClientKey: keys && clientKeyCheck(keys),
    upstreamSlots: slots,
    observers,
  });
  const cors = corsHandler(config.corsOrigins);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRouter(() => drain.draining, () => {
    const status = state.status();
    return status.backend === 'redis' ? { redis: status.redis } : {};
  }));
  // Before the client-key check: scrapers need no key. Scrapes themselves are not counted.
  if (config.metrics) app.use(metricsRouter(metrics, metricsExposition), requestMetrics(metrics));
  if (keys) app.use(requireClientKey(keys));
  app.use(
    passthroughRouter({
      upstream: new StreamedPassthrough(transport, config.upstreamApiKey, redactor),
      fence: new RouteFence(config.passthroughRoutes, config.passthroughDeny),
      slots,
      redactor,
      idleTimeoutMs: config.streamIdleTimeoutMs,
    }),
  );
  app.use(async (request, _response, next) => {
    try {
      if (request.method === 'POST') request.body = await readJsonBody(request, bodyLimits);
      next();
    } catch (error) {
      next(error);
    }
  });
  app.use(translateRouter(translation, continuity));
  app.use(storedCompletionsRouter(stored, slots));
  app.use(modelsRouter(passthrough, { aliases: config.modelAliases, slots }));
  app.use(
    responsesRouter(passthrough, { redactor, idleTimeoutMs: config.streamIdleTimeoutMs, slots }),
  );
  app.use(notFound());
  app.use(errorHandler(redactor));

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    logRequest(logger, request, response);
    // CORS first: a refusal while draining still carries the origin's headers (a preflight is answered there).
    if (cors !== undefined && cors(request, response)) return;
    if (drain.admit(request, response)) return;
    if (request.method === 'POST' && isChatPath(request.url)) serveChat(request, response).catch((error: unknown) => lastResort(error, request, response, redactor));
    else app(request, response);
  };
  return Object.assign(handle, {
    listen(port: number, ...rest: unknown[]): Server {
      const server = createServer(serverTimeouts(config.bodyTimeoutMs), handle);
      drain.adopt(server);
      return server.listen(port, ...(rest as [string, () => void]));
    },
    close: async () => {
      await observers.close();
      await transport.close();
      await state.close();
    },
    metricsText: () => metrics.render(),
    shutdown: async (graceMs: number) => {
      const report = await drain.shutdown(graceMs);
      // The runs the drain cut (streams ended, requests refused): cancelled, and deleted when owed.
      const runsSettled = await runs.settleAll();
      await observers.close();
      await transport.destroy();
      await state.close();
      return { ...report, runsSettled };
    },
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

/** Records of background runs in flight are small: this bounds tens of thousands of them. */
const RUNS_STORE_BYTES = 8 * 1024 * 1024;
/** A stream has no overall deadline: a record outlives the longest run a client would wait for. */
const RUNS_STORE_TTL_MS = 24 * 3600 * 1000;

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
