import type { Logger } from 'pino';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import type { Redactor } from '../redaction.js';
import type { ResponseTranslationOptions } from '../translate/chat-envelope.js';
import { assembleCompletion, toChatChoice } from '../translate/response.js';
import type { ChatCompletion } from '../types/chat.js';
import { CallScope, type UpstreamCall } from '../upstream/call.js';
import type { AnswerObserver } from './answer-observer.js';
import { noteCompletion } from './request-outcome.js';
import { unreadableUpstream } from './unreadable-upstream.js';
import type { ChatPlan, UpstreamCaller } from './upstream-call.js';

export interface JsonServeDependencies {
  caller: UpstreamCaller;
  continuity: ReasoningContinuity;
  metrics: AdapterMetrics;
  redactor: Redactor;
  answerOptions: ResponseTranslationOptions;
  observer?: AnswerObserver;
}

/** `stream: false`: one upstream call per choice, all at once, merged into one completion. */
export async function serveJson(
  { caller, continuity, metrics, redactor, answerOptions, observer }: JsonServeDependencies,
  plan: ChatPlan,
  call: UpstreamCall,
  log: Logger,
): Promise<{ completion: ChatCompletion; headers: Record<string, string> }> {
  const { context } = plan.translated;
  const scope = new CallScope(call.presence);
  try {
    const replies = await Promise.all(Array.from({ length: context.n }, () => caller.create(plan, scope.of(call))));
    const responses = replies.map((reply) => reply.response);
    let completion: ChatCompletion;
    try {
      for (const response of responses) await continuity.capture(plan.prepared, response);
      const choices = responses.map((response, index) => toChatChoice(response, context, answerOptions, index));
      completion = assembleCompletion(responses, choices);
      noteCompletion(call.outcome, completion);
    } catch (error) {
      throw unreadableUpstream(error, log, redactor, call.authorization);
    }
    await observer?.answered({ plan, call, chatId: completion.id, responses });
    return { completion, headers: replies[0]!.headers };
  } catch (error) {
    scope.cancel(); // one of several failed: the others stop
    metrics.countUpstreamError(error);
    throw error;
  }
}
