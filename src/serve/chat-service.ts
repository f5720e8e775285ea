import type { Logger } from 'pino';
import { invalidRequest } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import type { Redactor } from '../redaction.js';
import { parseChatRequestSteps } from '../schema/validate.js';
import { toResponsesRequestSteps, type RequestTranslationOptions } from '../translate/request.js';
import { runInSlices } from '../yielding.js';
import type { ResponseTranslationOptions } from '../translate/chat-envelope.js';
import type { ChatCompletion } from '../types/chat.js';
import type { UpstreamCall } from '../upstream/call.js';
import type { ChunkSink } from './chunk-sink.js';
import { serveJson } from './serve-json.js';
import { serveStream, type OutputWatcher, type StreamSettings } from './serve-stream.js';
import { UpstreamCaller, type ChatPlan, type ResponsesUpstream } from './upstream-call.js';

export interface ChatServiceOptions {
  translation: RequestTranslationOptions;
  answer: ResponseTranslationOptions;
  stream: StreamSettings;
  /** Model names rewritten before the request goes upstream. */
  modelAliases: ReadonlyMap<string, string>;
  /** Largest `n` served (each choice is one upstream call). */
  maxChoices: number;
}

/** The Chat Completions use case without HTTP: plan a request, then answer it as JSON or as a stream. */
export class ChatService {
  private readonly caller: UpstreamCaller;

  constructor(
    upstream: ResponsesUpstream,
    private readonly continuity: ReasoningContinuity,
    private readonly metrics: AdapterMetrics,
    private readonly redactor: Redactor,
    private readonly options: ChatServiceOptions,
  ) {
    this.caller = new UpstreamCaller(upstream, continuity);
  }

  /** Validates and translates a Chat request body (throwing a 400 naming the field), and puts remembered reasoning back. */
  async plan(body: unknown, call: UpstreamCall): Promise<ChatPlan> {
    // A long message list is validated and translated in slices: other requests are answered meanwhile.
    const chat = await runInSlices(parseChatRequestSteps(body));
    chat.model = this.options.modelAliases.get(chat.model) ?? chat.model;
    const translated = await runInSlices(toResponsesRequestSteps(chat, this.options.translation));
    if (translated.context.n > this.options.maxChoices) {
      throw invalidRequest(`n may be at most ${this.options.maxChoices} on this adapter (each choice is one upstream call).`, 'n');
    }
    this.metrics.countTranslation(translated);
    return { translated, prepared: await this.continuity.prepare(translated.request, call) };
  }

  json(plan: ChatPlan, call: UpstreamCall, log: Logger): Promise<{ completion: ChatCompletion; headers: Record<string, string> }> {
    const dependencies = { caller: this.caller, continuity: this.continuity, metrics: this.metrics, redactor: this.redactor, answerOptions: this.options.answer };
    return serveJson(dependencies, plan, call, log);
  }

  stream(plan: ChatPlan, call: UpstreamCall, sink: ChunkSink, watcher: OutputWatcher, log: Logger): Promise<void> {
    const dependencies = {
      caller: this.caller,
      continuity: this.continuity,
      metrics: this.metrics,
      redactor: this.redactor,
      answerOptions: this.options.answer,
      settings: this.options.stream,
    };
    return serveStream(dependencies, plan, call, sink, watcher, log);
  }
}
