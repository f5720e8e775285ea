import { Router, type RequestHandler } from 'express';
import type { AdapterMetrics } from './adapter-metrics.js';
import { EXPOSITION_CONTENT_TYPE } from './registry.js';

/**
 * `GET /metrics` for Prometheus: this process's metrics, or with WORKERS > 1 the exposition of
 * every worker gathered by the primary (`exposition`, see cluster/worker-metrics.ts).
 */
export function metricsRouter(metrics: AdapterMetrics, exposition: () => Promise<string> = async () => metrics.render()): Router {
  const router = Router();
  router.get('/metrics', async (_request, response) => {
    response.set('content-type', EXPOSITION_CONTENT_TYPE).send(await exposition());
  });
  return router;
}

/**
 * Counts every request when its response closes. The route is the matched route's pattern
 * (`/v1/models/:model`), or `unmatched` for anything answered before routing (401, 404, bad JSON),
 * so raw paths never become labels.
 */
export function requestMetrics(metrics: AdapterMetrics): RequestHandler {
  return function countRequest(request, response, next) {
    metrics.countRequestOn(
      response,
      () => (typeof request.route?.path === 'string' ? request.route.path : 'unmatched'),
      () => ((request.body as { stream?: unknown } | null | undefined)?.stream === true ? 'stream' : 'json'),
    );
    next();
  };
}
