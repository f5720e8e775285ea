import { Router } from 'express';

/** Liveness (`/healthz`, always ok while the process serves) and readiness (`/readyz`, 503 once draining). */
export function healthRouter(draining: () => boolean = () => false): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', (_request, response) => {
    if (draining()) response.status(503).json({ status: 'draining' });
    else response.json({ status: 'ready' });
  });
  return router;
}
