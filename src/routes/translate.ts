import { Router } from 'express';
import { dryRun } from '../migration/dry-run.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import type { ChatTranslation } from '../serve/chat-service.js';

/**
 * `POST /v1/adapter/translate`: the dry run. A Chat request body in; what the adapter would send
 * upstream, its warnings and each parameter's fate out (200 even when the request would be
 * refused: then `ok` is false and `error` is the answer a real call would get). No upstream call.
 */
export function translateRouter(translation: ChatTranslation, continuity: ReasoningContinuity): Router {
  const router = Router();
  router.post('/v1/adapter/translate', (request, response) => {
    response.json(dryRun(request.body, translation, continuity));
  });
  return router;
}
