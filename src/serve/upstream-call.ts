import type { ReasoningContinuity, PreparedRequest } from '../reasoning/continuity.js';
import type { TranslatedRequest } from '../translate/request.js';
import { inChatTerms } from '../translate/upstream-param.js';
import type { ResponsesRequest } from '../types/responses.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { BodyConsumer, BodyControl } from '../upstream/call.js';
import type { UpstreamCall } from '../upstream/call.js';
import { BackgroundRun, type BackgroundEnvironment } from './background-run.js';
import { backgroundRequest, runsInBackground } from './background-upstream.js';
import { followRun } from './follow-run.js';
import { StreamResumption } from './stream-resumption.js';

export interface JsonReply {
  response: UpstreamResponse;
  /** Upstream headers worth passing on (rate limits, processing time). */
  headers: Record<string, string>;
}

/** A stream whose headers have arrived; its body flows once `read` is called. */
export interface StreamReply {
  headers: Record<string, string>;
  read(consumer: BodyConsumer): BodyControl;
  cancel(): void;
  /** A background run's stream: resumable, and settled when the choice is over. */
  resumption?: StreamResumption;
}

/** What the pipeline needs of the Responses API. */
export interface ResponsesUpstream {
  createResponse(body: ResponsesRequest, call: UpstreamCall): Promise<JsonReply>;
  createResponseStream(body: ResponsesRequest, call: UpstreamCall): Promise<StreamReply>;
}

/** A Chat request ready to go upstream: translated, with remembered reasoning put back. */
export interface ChatPlan {
  translated: TranslatedRequest;
  prepared: PreparedRequest;
  /** The model as the client asked for it, before MODEL_ALIASES. */
  requestedModel?: string;
}

/**
 * One upstream call for one choice: reasoning continuity may ask once more (a model refusing
 * encrypted reasoning, replayed reasoning it cannot read), and upstream errors name the Chat field.
 * A model that runs in the background (BACKGROUND, BACKGROUND_MODELS) gets a background run: followed
 * to its end for JSON, resumable for a stream.
 */
export class UpstreamCaller {
  constructor(
    private readonly upstream: ResponsesUpstream,
    private readonly continuity: ReasoningContinuity,
    private readonly background?: BackgroundEnvironment,
  ) {}

  create(plan: ChatPlan, call: UpstreamCall): Promise<JsonReply> {
    const { background } = this;
    if (background && runsInBackground(background.settings, plan.translated.request.model)) {
      return this.send(plan, (body) => followRun(background, this.upstream, body, call));
    }
    return this.send(plan, (body) => this.upstream.createResponse(body, call));
  }

  stream(plan: ChatPlan, call: UpstreamCall): Promise<StreamReply> {
    const { background } = this;
    if (background && runsInBackground(background.settings, plan.translated.request.model)) {
      return this.send(plan, async (body) => {
        const reply = await this.upstream.createResponseStream(backgroundRequest(body), call);
        const run = new BackgroundRun(background, call, body.store);
        return { ...reply, resumption: new StreamResumption(background, run, call) };
      });
    }
    return this.send(plan, (body) => this.upstream.createResponseStream(body, call));
  }

  private send<T>(plan: ChatPlan, call: (body: ResponsesRequest) => Promise<T>): Promise<T> {
    const { translated, prepared } = plan;
    return this.continuity.send(prepared, translated.request, (body) =>
      call(body).catch((error: unknown) => {
        throw inChatTerms(error, body, translated.origins);
      }),
    );
  }
}
