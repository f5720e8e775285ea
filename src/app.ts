import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { requireClientKey } from './http/auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { createLogger, requestLogging } from './http/logging.js';
import { chatCompletionsRouter } from './routes/chat-completions.js';
import { healthRouter } from './routes/health.js';
import { modelsRouter } from './routes/models.js';
import { UpstreamClient, type Fetch } from './upstream/client.js';

export interface AppDependencies {
  config: Config;
  fetch?: Fetch;
  logger?: Logger;
}

/** The whole service as an Express app; tests run it in-process against a fake upstream. */
export function createApp({ config, fetch = globalThis.fetch, logger = createLogger(config.logLevel) }: AppDependencies): Express {
  const upstream = new UpstreamClient({
    baseUrl: config.upstreamBaseUrl,
    apiKey: config.upstreamApiKey,
    fetch,
    timeoutMs: config.upstreamTimeoutMs,
    retries: config.upstreamRetries,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLogging(logger));
  app.use(healthRouter());
  if (config.adapterApiKeys.length > 0) app.use(requireClientKey(config.adapterApiKeys));
  // Hand-written curl loops often omit the content type: any body is read as JSON.
  app.use(express.json({ limit: config.bodyLimit, type: () => true }));
  app.use(chatCompletionsRouter(config, upstream));
  app.use(modelsRouter(upstream));
  app.use(notFound());
  app.use(errorHandler());
  return app;
}
