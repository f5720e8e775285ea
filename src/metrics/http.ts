import { Router, type RequestHandler } from 'express';
import type { AdapterMetrics } from './adapter-metrics.js';
import { EXPOSITION_CONTENT_TYPE } from './registry.js';

/** `GET /metrics` for Prometheus. */
export function metricsRouter(metrics: AdapterMetrics): Router {
  const router = Router();
  router.get('/metrics', (_request, response) => {
    response.set('content-type', EXPOSITION_CONTENT_TYPE).send(metrics.render());
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
