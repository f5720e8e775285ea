import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redactor } from '../redaction.js';
import { renderError } from '../http/error-handler.js';
import { readJsonBody, type BodyLimits } from '../http/read-body.js';
import { ResponseSink } from '../http/response-sink.js';
import { sendJson } from '../http/send-json.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ChatService } from '../serve/chat-service.js';
import type { ChatPlan } from '../serve/upstream-call.js';
import type { ConcurrencyLimit } from '../upstream/concurrency.js';
import { upstreamCallFor } from './call-options.js';
import { holdUpstreamSlots } from './upstream-slots.js';
import { teeSink, type MigrationObservers } from '../migration/observers.js';
import type { ShadowRun } from '../migration/shadow.js';

export interface ChatRouteDependencies {
  chat: ChatService;
  /** Counts requests when set (METRICS on). */
  metrics: AdapterMetrics | undefined;
  redactor: Redactor;
  body: BodyLimits;
  /** Throws a 401 unless the request bears a client key (when keys are configured). */
  checkClientKey: ((authorization: string | undefined) => void) | undefined;
  /** MAX_CONCURRENT_UPSTREAM: a request holds one slot per choice until its answer (a stream: its end) is over. */
  upstreamSlots: ConcurrencyLimit;
  /** Capture and shadow mode, when configured. */
  observers: Pick<MigrationObservers, 'capture' | 'shadow'>;
}

/**
 * `POST /v1/chat/completions` on plain node:http, the hot route: no framework, only what it needs
 * (key check, body, the pipeline, its answer). The request id and log line are already set up.
 */
export function chatCompletionsRoute({ chat, metrics, redactor, body: bodyLimits, checkClientKey, upstreamSlots, observers }: ChatRouteDependencies) {
  const { capture, shadow } = observers;
  return async function serveChatCompletion(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let stream = false;
    // Answered before the body is read (a wrong key, bad JSON): not yet routed, as for any other path.
    let route = 'unmatched';
    metrics?.countRequestOn(response, () => route, () => (stream ? 'stream' : 'json'));
    let shadowRun: ShadowRun | undefined;
    try {
      checkClientKey?.(request.headers.authorization);
      const body = await readJsonBody(request, bodyLimits);
      route = '/v1/chat/completions';
      stream = (body as { stream?: unknown } | undefined)?.stream === true;
      capture?.record(request.id, body);
      shadowRun = shadow?.begin(request.id, body);
      const call = upstreamCallFor(request, response, request.id);
      const plan = await chat.plan(body, call);
      // After validation (a bad request is a 400 whatever the load), before any upstream call.
      holdUpstreamSlots(upstreamSlots, response, plan.translated.context.n);
      announceWarnings(request, response, plan);
      if (plan.translated.context.stream) {
        const sink = new ResponseSink(response);
        await chat.stream(plan, call, shadowRun ? teeSink(sink, shadowRun) : sink, metrics?.trackStream(response) ?? NO_WATCHER, request.log);
        if (call.presence.gone) shadowRun?.abandoned();
        else shadowRun?.streamed(200);
        return;
      }
      const { completion, headers } = await chat.json(plan, call, request.log);
      sendJson(response, 200, completion, headers);
      shadowRun?.answered(200, completion);
    } catch (error) {
      const told = renderError(error, request, response, redactor);
      if (told === undefined) shadowRun?.abandoned();
      else shadowRun?.answered(told.status, told.toBody());
    }
  };
}

const NO_WATCHER = { outputStarted(): void {} };

function announceWarnings(request: IncomingMessage, response: ServerResponse, plan: ChatPlan): void {
  const { warnings } = plan.translated;
  if (warnings.length === 0) return;
  response.setHeader('x-adapter-warnings', warnings.map((warning) => warning.param).join(', '));
  request.log.warn({ warnings }, 'request parameters dropped or changed');
}
