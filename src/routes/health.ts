import { Router } from 'express';

/**
 * Liveness (`/healthz`, always ok while the process serves) and readiness (`/readyz`, 503 once
 * draining). `details` adds to the ready body (the Redis connection's state): Redis being down
 * never makes the adapter unready, since requests are still served without shared state.
 */
export function healthRouter(draining: () => boolean = () => false, details: () => object = () => ({})): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', (_request, response) => {
    if (draining()) response.status(503).json({ status: 'draining' });
    else response.json({ status: 'ready', ...details() });
  });
  return router;
}
