import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { invalidRequest } from '../errors.js';
import type { AdapterMetrics } from '../metrics/adapter-metrics.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import type { Redactor } from '../redaction.js';
import { parseChatRequestSteps } from '../schema/validate.js';
import { toResponsesRequestSteps, type RequestTranslationOptions, type TranslatedRequest } from '../translate/request.js';
import { runAtOnce, runInSlices, type Steps } from '../yielding.js';
import type { ResponseTranslationOptions } from '../translate/chat-envelope.js';
import type { ChatCompletion } from '../types/chat.js';
import type { UpstreamCall } from '../upstream/call.js';
import type { BackgroundEnvironment } from './background-run.js';
import type { BackgroundSettings } from './background-upstream.js';
import type { AnswerObserver } from './answer-observer.js';
import type { ChunkSink } from './chunk-sink.js';
import type { OpenStreams } from './open-streams.js';
import { serveJson, type JsonServeDependencies } from './serve-json.js';
import { serveStream, type OutputWatcher, type StreamSettings } from './serve-stream.js';
import { noteRequest } from './request-outcome.js';
import { UpstreamCaller, type ChatPlan, type ResponsesUpstream } from './upstream-call.js';

export interface ChatTranslation {
  translation: RequestTranslationOptions;
  /** Which runs go to the background (BACKGROUND, BACKGROUND_MODELS), for the dry run to show; the call itself reads `background` of the service. */
  backgroundModes?: Pick<BackgroundSettings, 'mode' | 'models'>;
  /** Model names rewritten before the request goes upstream. */
  modelAliases: ReadonlyMap<string, string>;
  /** Largest `n` served (each choice is one upstream call). */
  maxChoices: number;
}

export interface ChatServiceOptions extends ChatTranslation {
  answer: ResponseTranslationOptions;
  stream: StreamSettings;
  /** The streams being served, for a shutdown to end. */
  openStreams?: OpenStreams;
  /** Background mode (BACKGROUND, BACKGROUND_MODELS); unset: every run in the foreground. */
  background?: BackgroundEnvironment;
  /** Told of every answer that completed well (stored completions). */
  observer?: AnswerObserver;
}

/** How the operator's configuration shapes the translation of a request. */
export function chatTranslationFrom(config: Config): ChatTranslation {
  return {
    translation: { strictParams: config.strictParams, reasoningSummary: config.reasoningSummary },
    modelAliases: config.modelAliases,
    maxChoices: config.maxChoices,
    backgroundModes: { mode: config.background, models: config.backgroundModels },
  };
}

/** Validates and translates a Chat request body, throwing a 400 that names the field. Pure. */
export function translateChat(body: unknown, options: ChatTranslation): TranslatedRequest {
  return runAtOnce(translateChatSteps(body, options));
}

/** {@link translateChat} in steps: a driver may let the event loop through between them (a long message list). */
export function* translateChatSteps(body: unknown, options: ChatTranslation): Steps<TranslatedRequest> {
  const chat = yield* parseChatRequestSteps(body);
  chat.model = options.modelAliases.get(chat.model) ?? chat.model;
  const translated = yield* toResponsesRequestSteps(chat, options.translation);
  if (translated.context.n > options.maxChoices) {
    throw invalidRequest(`n may be at most ${options.maxChoices} on this adapter (each choice is one upstream call).`, 'n');
  }
  return translated;
}

/** The Chat Completions use case without HTTP: plan a request, then answer it as JSON or as a stream. */
export class ChatService {
  /** What serving a JSON answer and a stream both need. */
  private readonly serving: JsonServeDependencies;

  constructor(
    upstream: ResponsesUpstream,
    private readonly continuity: ReasoningContinuity,
    private readonly metrics: AdapterMetrics,
    private readonly redactor: Redactor,
    private readonly options: ChatServiceOptions,
  ) {
    this.serving = {
      caller: new UpstreamCaller(upstream, continuity, options.background),
      continuity,
      metrics,
      redactor,
      answerOptions: options.answer,
      observer: options.observer,
    };
  }

  /** Validates and translates a Chat request body (throwing a 400 naming the field), and puts remembered reasoning back. */
  async plan(body: unknown, call: UpstreamCall): Promise<ChatPlan> {
    // A long message list is validated and translated in slices: other requests are answered meanwhile.
    const translated = await runInSlices(translateChatSteps(body, this.options));
    // The model as the client asked for it, before MODEL_ALIASES (the body has been validated).
    const requestedModel = (body as { model: string }).model;
    noteRequest(call.outcome, requestedModel, translated);
    this.metrics.countTranslation(translated);
    return { translated, prepared: await this.continuity.prepare(translated.request, call), requestedModel };
  }

  json(plan: ChatPlan, call: UpstreamCall, log: Logger): Promise<{ completion: ChatCompletion; headers: Record<string, string> }> {
    return serveJson(this.serving, plan, call, log);
  }

  stream(plan: ChatPlan, call: UpstreamCall, sink: ChunkSink, watcher: OutputWatcher, log: Logger): Promise<void> {
    const dependencies = { ...this.serving, settings: this.options.stream, entry: this.options.openStreams?.enter() };
    const served = serveStream(dependencies, plan, call, sink, watcher, log);
    return dependencies.entry ? served.finally(dependencies.entry.leave) : served;
  }
}
