import type { ApiError } from '../errors.js';
import type { PlacedLogprob } from '../translate/logprobs.js';
import { completionId, type ChatContext, type ResponseTranslationOptions } from '../translate/chat-envelope.js';
import { StopScanner } from '../translate/stop-sequences.js';
import type { ChatChoiceLogprobs, ChatCompletionChunk, ChatDelta, FinishReason, ServiceTier } from '../types/chat.js';
import type { UpstreamResponse, UpstreamUsage } from '../types/responses-upstream.js';

export interface ToolCallState {
  index: number;
  kind: 'function' | 'custom';
  /** Whether any argument/input text was already emitted for this call. */
  streamed: boolean;
}

export interface PartState {
  /** Where this text part starts in the choice's concatenated content (for annotation offsets). */
  offset: number;
  textSeen: boolean;
  /** Annotations of this part already sent (the finished item may carry more). */
  annotationsSent: number;
}

export type StreamEnd = { kind: 'finished'; finishReason: FinishReason } | { kind: 'failed'; error: ApiError };

export interface StepResult {
  chunks: ChatCompletionChunk[];
  /** Set when the stream is over: finished (finish chunk already in `chunks`) or failed. */
  end?: StreamEnd;
  /** The finished Response, when this event carried it (after a stop sequence too), for observers. */
  completed?: UpstreamResponse;
}

export interface StreamState {
  readonly choiceIndex: number;
  readonly context: ChatContext;
  readonly options: ResponseTranslationOptions;
  id: string;
  created: number;
  model: string;
  serviceTier: string | null;
  roleSent: boolean;
  /** Something a client would show was emitted (after that, errors go in-band). */
  hasOutput: boolean;
  /** Tool calls by item id (`fc_…`, `ctc_…`), the key that stream events use. */
  toolCalls: Map<string, ToolCallState>;
  nextToolIndex: number;
  /** Length of the content as the upstream wrote it (separators included, before any stop cut). */
  textLength: number;
  /** Length of the content actually sent (differs from `textLength` while a stop scanner holds text back). */
  sentTextLength: number;
  /** Text parts by `item_id:content_index` (refusal parts use `item_id:refusal<content_index>`). */
  parts: Map<string, PartState>;
  /** The part found last, by the values it was asked for. */
  lastPart: { itemId: unknown; contentIndex: unknown; part: PartState } | undefined;
  /** Message items that have produced text. */
  messagesWithText: Set<string>;
  reasoningLength: number;
  reasoningSeparatorPending: boolean;
  stop: StopScanner | undefined;
  /** Logprobs of tokens whose text the stop scanner still holds back. */
  heldLogprobs: PlacedLogprob[];
  legacyCallItemId: string | undefined;
  finished: boolean;
  usage: UpstreamUsage | undefined;
  unknownEvents: number;
}

export function createStreamState(
  context: ChatContext,
  options: ResponseTranslationOptions,
  choiceIndex = 0,
  /** The model asked for: used until the upstream names the one that answers. */
  requestedModel = '',
): StreamState {
  return {
    choiceIndex,
    context,
    options,
    id: completionId(undefined),
    created: Math.floor(Date.now() / 1000),
    model: requestedModel,
    serviceTier: null,
    roleSent: false,
    hasOutput: false,
    toolCalls: new Map(),
    nextToolIndex: 0,
    textLength: 0,
    sentTextLength: 0,
    parts: new Map(),
    lastPart: undefined,
    messagesWithText: new Set(),
    reasoningLength: 0,
    reasoningSeparatorPending: false,
    stop: context.stop.length > 0 ? new StopScanner(context.stop) : undefined,
    heldLogprobs: [],
    legacyCallItemId: undefined,
    finished: false,
    usage: undefined,
    unknownEvents: 0,
  };
}

/** Appends a chunk a client would show (so later errors must go in-band). */
export function emit(state: StreamState, out: ChatCompletionChunk[], delta: ChatDelta, logprobs?: ChatChoiceLogprobs): void {
  state.hasOutput = true;
  out.push(chunk(state, delta, logprobs));
}

export function chunk(
  state: StreamState,
  delta: ChatDelta,
  logprobs?: ChatChoiceLogprobs,
  finishReason: FinishReason | null = null,
): ChatCompletionChunk {
  const result: ChatCompletionChunk = {
    id: state.id,
    object: 'chat.completion.chunk',
    created: state.created,
    model: state.model,
    service_tier: state.serviceTier as ServiceTier | null,
    choices: [{ index: state.choiceIndex, delta, logprobs: logprobs ?? null, finish_reason: finishReason }],
  };
  if (state.context.includeUsage) result.usage = null;
  return result;
}
