import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import { invalidRequest } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { Redactor } from '../redaction.js';
import { parseChatRequest } from '../schema/validate.js';
import { toResponsesRequest, type TranslatedRequest } from '../translate/request.js';
import { inChatTerms } from '../translate/upstream-param.js';
import { assembleCompletion, toChatChoice, type ResponseTranslationOptions } from '../translate/response.js';
import type { UpstreamClient } from '../upstream/client.js';
import { callOptionsFor } from './call-options.js';
import { serveChatStream } from './chat-stream.js';

export function chatCompletionsRouter(
  config: Config,
  upstream: UpstreamClient,
  continuity: ReasoningContinuity,
  metrics: AdapterMetrics,
  redactor: Redactor,
): Router {
  const router = Router();
  const answerOptions: ResponseTranslationOptions = {
    reasoningContent: config.reasoningContent,
    reasoningField: config.reasoningField,
  };

  router.post('/v1/chat/completions', async (request: Request, response: Response) => {
    const chat = parseChatRequest(request.body);
    chat.model = config.modelAliases.get(chat.model) ?? chat.model;
    const translated = toResponsesRequest(chat, {
      strictParams: config.strictParams,
      reasoningSummary: config.reasoningSummary,
    });
    if (translated.context.n > config.maxChoices) {
      throw invalidRequest(`n may be at most ${config.maxChoices} on this adapter (each choice is one upstream call).`, 'n');
    }
    announceWarnings(request, response, translated);
    metrics.countTranslation(translated);

    const controller = new AbortController();
    const call = callOptionsFor(request, response, controller);
    const prepared = await continuity.prepare(translated.request, call);
    if (translated.context.stream) {
      await serveChatStream({ response, upstream, translated, prepared, continuity, call, controller, config, answerOptions, metrics, redactor, log: request.log });
      return;
    }
    try {
      // `n` > 1 is emulated: one upstream call per choice, all at once.
      const replies = await Promise.all(
        Array.from({ length: translated.context.n }, () =>
          continuity.send(prepared, translated.request, (body) =>
            upstream.createResponse(body, call).catch((error: unknown) => {
              throw inChatTerms(error, body, translated.origins);
            }),
          ),
        ),
      );
      for (const reply of replies) await continuity.capture(prepared, reply.response);
      const choices = replies.map((reply, index) => toChatChoice(reply.response, translated.context, answerOptions, index));
      response.set(replies[0]!.headers).json(assembleCompletion(replies.map((reply) => reply.response), choices));
    } catch (error) {
      controller.abort(); // ends sibling calls when one of several failed
      metrics.countUpstreamError(error);
      throw error;
    }
  });

  return router;
}

function announceWarnings(request: Request, response: Response, translated: TranslatedRequest): void {
  if (translated.warnings.length === 0) return;
  response.setHeader('x-adapter-warnings', translated.warnings.map((warning) => warning.param).join(', '));
  request.log.warn({ warnings: translated.warnings }, 'request parameters dropped or changed');
}
