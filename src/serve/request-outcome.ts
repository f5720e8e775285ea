/**
 * What a request came to, for its one log line and the token metrics: filled by the pipeline once
 * per request (when it is planned, when the upstream answers, when the answer is complete), never
 * per event, and read when the response closes.
 */
import type { TranslatedRequest } from '../translate/request.js';
import type { ChatCompletion } from '../types/chat.js';
import type { UpstreamUsage } from '../types/responses-upstream.js';
import { numberOr, stringOr } from '../translate/lenient.js';

export interface TokenUsage {
  prompt: number;
  completion: number;
  cached: number;
  reasoning: number;
}

export interface RequestOutcome {
  /** The model the client asked for (before MODEL_ALIASES). */
  model?: string;
  /** The model the upstream says answered. */
  servedModel?: string;
  stream?: boolean;
  n?: number;
  /** The HTTP status of the (last) upstream answer. */
  upstreamStatus?: number;
  /** One per choice; null for a choice that did not finish. */
  finishReasons?: Array<string | null>;
  /** Summed over the choices that reported usage. */
  usage?: TokenUsage;
  /** Parameters dropped or changed (as named in `x-adapter-warnings`). */
  warnings?: string[];
}

/** A choice of a stream as the outcome reads it. */
export interface FinishedChoice {
  readonly state: { model: string; usage: UpstreamUsage | undefined };
  readonly finishReason: string | null;
}

export function noteRequest(outcome: RequestOutcome | undefined, model: string, { context, warnings }: TranslatedRequest): void {
  if (!outcome) return;
  outcome.model = model;
  outcome.stream = context.stream;
  outcome.n = context.n;
  if (warnings.length > 0) outcome.warnings = warnings.map((warning) => warning.param);
}

export function noteCompletion(outcome: RequestOutcome | undefined, completion: ChatCompletion): void {
  if (!outcome) return;
  outcome.servedModel = stringOr(completion.model, undefined);
  outcome.finishReasons = completion.choices.map((choice) => choice.finish_reason);
  const { usage } = completion;
  outcome.usage = {
    prompt: tokenCount(usage.prompt_tokens),
    completion: tokenCount(usage.completion_tokens),
    cached: tokenCount(usage.prompt_tokens_details?.cached_tokens),
    reasoning: tokenCount(usage.completion_tokens_details?.reasoning_tokens),
  };
}

export function noteStream(outcome: RequestOutcome | undefined, choices: readonly FinishedChoice[]): void {
  if (!outcome || choices.length === 0) return;
  outcome.servedModel = stringOr(choices[0]!.state.model, undefined);
  outcome.finishReasons = choices.map((choice) => choice.finishReason);
  let usage: TokenUsage | undefined;
  for (const { state } of choices) {
    if (!state.usage) continue;
    usage ??= { prompt: 0, completion: 0, cached: 0, reasoning: 0 };
    usage.prompt += tokenCount(state.usage.input_tokens);
    usage.completion += tokenCount(state.usage.output_tokens);
    usage.cached += tokenCount(state.usage.input_tokens_details?.cached_tokens);
    usage.reasoning += tokenCount(state.usage.output_tokens_details?.reasoning_tokens);
  }
  if (usage) outcome.usage = usage;
}

/** A count the upstream reported, as a counter can take it: untrusted, so anything but a count of 0 or more is 0. */
function tokenCount(count: unknown): number {
  return Math.max(0, numberOr(count, 0));
}
