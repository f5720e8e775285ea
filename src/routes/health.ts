import { Router } from 'express';

export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  return router;
}
