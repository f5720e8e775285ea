import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { requireClientKey } from './http/auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { createLogger, requestLogging } from './http/logging.js';
import { AdapterMetrics } from './metrics/adapter-metrics.js';
import { metricsRouter, requestMetrics } from './metrics/http.js';
import { ReasoningContinuity } from './reasoning/continuity.js';
import { sizeOfReasoning } from './reasoning/replay.js';
import { MemoryStore } from './state/memory-store.js';
import { Redactor } from './redaction.js';
import { chatCompletionsRouter } from './routes/chat-completions.js';
import { ChatService } from './serve/chat-service.js';
import { healthRouter } from './routes/health.js';
import { modelsRouter } from './routes/models.js';
import { responsesRouter } from './routes/responses.js';
import { UpstreamClient, type Fetch } from './upstream/client.js';

export interface AppDependencies {
  config: Config;
  fetch?: Fetch;
  logger?: Logger;
}

/** The whole service as an Express app; tests run it in-process against a fake upstream. */
export function createApp({ config, fetch = globalThis.fetch, logger = createLogger(config.logLevel) }: AppDependencies): Express {
  const metrics = new AdapterMetrics();
  const redactor = new Redactor([config.upstreamApiKey, ...config.adapterApiKeys]);
  const upstream = new UpstreamClient({
    redactor,
    baseUrl: config.upstreamBaseUrl,
    apiKey: config.upstreamApiKey,
    fetch: metrics.timedFetch(fetch),
    timeoutMs: config.upstreamTimeoutMs,
    retries: config.upstreamRetries,
  });

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

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use(healthRouter());
  // Before the client-key check: scrapers need no key. Scrapes themselves are not counted.
  if (config.metrics) app.use(metricsRouter(metrics), requestMetrics(metrics));
  if (config.adapterApiKeys.length > 0) app.use(requireClientKey(config.adapterApiKeys));
  // Hand-written curl loops often omit the content type: any body is read as JSON.
  app.use(express.json({ limit: config.bodyLimit, type: () => true }));
  app.use(chatCompletionsRouter(chat, metrics));
  app.use(modelsRouter(upstream));
  app.use(responsesRouter(upstream, redactor));
  app.use(notFound());
  app.use(errorHandler(redactor));
  return app;
}
