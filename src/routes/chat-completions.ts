import { Router, type Request, type Response } from 'express';
import { ResponseSink } from '../http/response-sink.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ChatService } from '../serve/chat-service.js';
import type { ChatPlan } from '../serve/upstream-call.js';
import { upstreamCallFor } from './call-options.js';

/** `POST /v1/chat/completions`: the body to the pipeline, its answer to the client. */
export function chatCompletionsRouter(chat: ChatService, metrics: AdapterMetrics): Router {
  const router = Router();
  router.post('/v1/chat/completions', async (request: Request, response: Response) => {
    const call = upstreamCallFor(request, response, String(request.id));
    const plan = await chat.plan(request.body, call);
    announceWarnings(request, response, plan);
    if (plan.translated.context.stream) {
      await chat.stream(plan, call, new ResponseSink(response), metrics.trackStream(response), request.log);
      return;
    }
    const { completion, headers } = await chat.json(plan, call);
    response.set(headers).json(completion);
  });
  return router;
}

function announceWarnings(request: Request, response: Response, plan: ChatPlan): void {
  const { warnings } = plan.translated;
  if (warnings.length === 0) return;
  response.setHeader('x-adapter-warnings', warnings.map((warning) => warning.param).join(', '));
  request.log.warn({ warnings }, 'request parameters dropped or changed');
}
