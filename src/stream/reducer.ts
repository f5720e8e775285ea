import { HttpError } from '../http/errors.js';
import { toChatAnnotation } from '../translate/annotations.js';
import { upstreamFailure } from '../translate/failure.js';
import { toFinishReason } from '../translate/finish-reason.js';
import { toChatLogprob } from '../translate/logprobs.js';
import type { ChatContext } from '../translate/request.js';
import { completionId, MESSAGE_SEPARATOR, type ResponseTranslationOptions } from '../translate/response.js';
import { StopScanner } from '../translate/stop-sequences.js';
import type {
  ChatChoiceLogprobs,
  ChatCompletionChunk,
  ChatDelta,
  FinishReason,
} from '../types/chat.js';
import type { UpstreamOutputItem, UpstreamResponse, UpstreamUsage } from '../types/responses.js';

/**
 * The stream translator: a pure reducer from Responses stream events to Chat chunks for one choice.
 * `step` never does I/O; the shell around it reads the upstream and writes the client.
 */

/** Any upstream event; parsed leniently, since the upstream adds events and fields often. */
export type UpstreamEvent = { type?: string; [key: string]: any };

interface ToolCallState {
  index: number;
  kind: 'function' | 'custom';
  /** Whether any argument/input text was already emitted for this call. */
  streamed: boolean;
}

interface PartState {
  /** Where this text part starts in the choice's concatenated content (for annotation offsets). */
  offset: number;
  textSeen: boolean;
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
  toolCalls: Map<string, ToolCallState>;
  nextToolIndex: number;
  /** Characters of content emitted so far (including message separators). */
  contentLength: number;
  /** Text parts by `item_id:content_index`. */
  parts: Map<string, PartState>;
  /** Message items that have produced text. */
  messagesWithText: Set<string>;
  reasoningLength: number;
  reasoningSeparatorPending: boolean;
  stop: StopScanner | undefined;
  legacyCallItemId: string | undefined;
  finished: boolean;
  usage: UpstreamUsage | undefined;
  unknownEvents: number;
  /** The `error` event, kept to explain a following `response.failed`. */
  pendingError: HttpError | undefined;
}

export interface StepResult {
  chunks: ChatCompletionChunk[];
  /** Set on the terminal event: the stream is over (finish chunk already in `chunks`) or failed. */
  end?: { kind: 'finished'; finishReason: FinishReason } | { kind: 'failed'; error: HttpError };
}

export function createStreamState(
  context: ChatContext,
  options: ResponseTranslationOptions,
  choiceIndex = 0,
): StreamState {
  return {
    choiceIndex,
    context,
    options,
    id: completionId(undefined),
    created: Math.floor(Date.now() / 1000),
    model: '',
    serviceTier: null,
    roleSent: false,
    hasOutput: false,
    toolCalls: new Map(),
    nextToolIndex: 0,
    contentLength: 0,
    parts: new Map(),
    messagesWithText: new Set(),
    reasoningLength: 0,
    reasoningSeparatorPending: false,
    stop: context.stop.length > 0 ? new StopScanner(context.stop) : undefined,
    legacyCallItemId: undefined,
    finished: false,
    usage: undefined,
    unknownEvents: 0,
    pendingError: undefined,
  };
}

/** Translates one upstream event. Mutates `state` (owned by one stream) and returns the chunks to send. */
export function step(state: StreamState, event: UpstreamEvent): StepResult {
  const out: ChatCompletionChunk[] = [];
  if (state.finished) return { chunks: out };
  const type = event.type;

  if (type === 'response.created' || type === 'response.in_progress' || type === 'response.queued') {
    adoptEnvelope(state, event.response);
    ensureRole(state, out);
    return { chunks: out };
  }
  ensureRole(state, out);

  switch (type) {
    case 'response.output_item.added':
      onItemAdded(state, event.item ?? {}, event.output_index, out);
      break;
    case 'response.output_item.done':
      onItemDone(state, event.item ?? {}, out);
      break;
    case 'response.content_part.added':
      partState(state, event.item_id, event.content_index);
      break;
    case 'response.output_text.delta':
      onText(state, event.item_id, event.content_index, String(event.delta ?? ''), event.logprobs, out);
      break;
    case 'response.output_text.done': {
      // Some relays send only the finished text; deliver it if no delta carried it.
      const part = partState(state, event.item_id, event.content_index);
      if (!part.textSeen && event.text) onText(state, event.item_id, event.content_index, String(event.text), event.logprobs, out);
      break;
    }
    case 'response.output_text.annotation.added': {
      const part = partState(state, event.item_id, event.content_index);
      const offset = part.offset >= 0 ? part.offset : state.contentLength;
      const annotation = event.annotation ? toChatAnnotation(event.annotation, offset) : undefined;
      if (annotation && !state.stop?.stopped) emit(state, out, { annotations: [annotation] });
      break;
    }
    case 'response.refusal.delta':
      onRefusal(state, event.item_id, event.content_index, String(event.delta ?? ''), out);
      break;
    case 'response.refusal.done': {
      const part = partState(state, event.item_id, `refusal${event.content_index}`);
      if (!part.textSeen && event.refusal) onRefusal(state, event.item_id, event.content_index, String(event.refusal), out);
      break;
    }
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta':
      onToolInput(state, event.item_id, String(event.delta ?? ''), out);
      break;
    case 'response.function_call_arguments.done':
    case 'response.custom_tool_call_input.done': {
      // Arguments may arrive only here (no deltas); the name never does in real traffic.
      const call = state.toolCalls.get(event.item_id);
      const full = type === 'response.function_call_arguments.done' ? event.arguments : event.input;
      if (call && !call.streamed && full) onToolInput(state, event.item_id, String(full), out);
      break;
    }
    case 'response.reasoning_summary_part.added':
      if (state.reasoningLength > 0) state.reasoningSeparatorPending = true;
      break;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      onReasoning(state, String(event.delta ?? ''), out);
      break;
    case 'response.completed':
    case 'response.incomplete':
      return { chunks: out, end: finishStream(state, event.response ?? {}, out) };
    case 'response.failed': {
      state.finished = true;
      const response: UpstreamResponse = event.response ?? {};
      return {
        chunks: out,
        end: { kind: 'failed', error: state.pendingError ?? upstreamFailure(response.error, 'The upstream response failed.') },
      };
    }
    case 'error':
      // Real traffic nests the fields in `error`; the types and spec put them at the top level.
      state.finished = true;
      return {
        chunks: out,
        end: { kind: 'failed', error: upstreamFailure(event.error ?? event, 'The upstream reported an error.') },
      };
    default:
      if (!isKnownSilentEvent(type)) state.unknownEvents++;
  }
  if (state.stop?.stopped) {
    // A stop sequence ended the text: the choice is over, and the caller ends the upstream call.
    state.finished = true;
    out.push(chunk(state, {}, undefined, 'stop'));
    return { chunks: out, end: { kind: 'finished', finishReason: 'stop' } };
  }
  return { chunks: out };
}

/** The upstream closed without a terminal event: never a fake success. */
export function finish(state: StreamState): StepResult {
  if (state.finished) return { chunks: [] };
  state.finished = true;
  return {
    chunks: [],
    end: {
      kind: 'failed',
      error: new HttpError(502, 'The upstream stream ended before the response was complete.', {
        code: 'upstream_stream_truncated',
      }),
    },
  };
}

function adoptEnvelope(state: StreamState, response: UpstreamResponse | undefined): void {
  if (!response) return;
  if (response.id) state.id = completionId(response.id);
  if (typeof response.created_at === 'number') state.created = response.created_at;
  if (response.model) state.model = response.model;
  if (response.service_tier !== undefined) state.serviceTier = response.service_tier ?? null;
}

function ensureRole(state: StreamState, out: ChatCompletionChunk[]): void {
  if (state.roleSent) return;
  state.roleSent = true;
  out.push(chunk(state, { role: 'assistant', content: '', refusal: null }));
}

function onItemAdded(state: StreamState, item: UpstreamOutputItem, _outputIndex: unknown, out: ChatCompletionChunk[]): void {
  if (item.type === 'function_call' || item.type === 'custom_tool_call') {
    if (!item.id || state.toolCalls.has(item.id)) return;
    startToolCall(state, item, out);
    if (item.type === 'function_call' && item.arguments) onToolInput(state, item.id, item.arguments, out);
    if (item.type === 'custom_tool_call' && item.input) onToolInput(state, item.id, item.input, out);
  } else if (item.type === 'reasoning' && state.reasoningLength > 0) {
    state.reasoningSeparatorPending = true;
  }
}

function onItemDone(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  if ((item.type === 'function_call' || item.type === 'custom_tool_call') && item.id) {
    if (!state.toolCalls.has(item.id)) startToolCall(state, item, out);
    const call = state.toolCalls.get(item.id)!;
    const full = item.type === 'function_call' ? item.arguments : item.input;
    if (!call.streamed && full) onToolInput(state, item.id, full, out);
  } else if (item.type === 'message' && item.id && !state.messagesWithText.has(item.id)) {
    // A message that arrived whole (no deltas): deliver its text and refusal now.
    const itemId = item.id;
    (item.content ?? []).forEach((part, index) => {
      if (part.type === 'output_text' && part.text && !partState(state, itemId, index).textSeen) {
        onText(state, itemId, index, part.text, part.logprobs, out);
      } else if (part.type === 'refusal' && part.refusal && !partState(state, itemId, `refusal${index}`).textSeen) {
        onRefusal(state, itemId, index, part.refusal, out);
      }
    });
  }
}

function startToolCall(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  const kind = item.type === 'custom_tool_call' ? 'custom' : 'function';
  const call: ToolCallState = { index: state.nextToolIndex++, kind, streamed: false };
  state.toolCalls.set(item.id!, call);
  const id = item.call_id ?? item.id!;
  const name = item.name ?? '';
  if (state.context.legacyFunctions) {
    if (state.legacyCallItemId !== undefined || kind !== 'function') return;
    state.legacyCallItemId = item.id;
    emit(state, out, { function_call: { name, arguments: '' } });
    return;
  }
  emit(state, out, {
    tool_calls: [
      kind === 'function'
        ? { index: call.index, id, type: 'function', function: { name, arguments: '' } }
        : { index: call.index, id, type: 'custom', custom: { name, input: '' } },
    ],
  });
}

function onToolInput(state: StreamState, itemId: string, fragment: string, out: ChatCompletionChunk[]): void {
  const call = state.toolCalls.get(itemId);
  if (!call || fragment === '') return;
  call.streamed = true;
  if (state.context.legacyFunctions) {
    if (state.legacyCallItemId === itemId) emit(state, out, { function_call: { arguments: fragment } });
    return;
  }
  emit(state, out, {
    tool_calls: [
      call.kind === 'function'
        ? { index: call.index, function: { arguments: fragment } }
        : { index: call.index, custom: { input: fragment } },
    ],
  });
}

function onText(
  state: StreamState,
  itemId: string,
  contentIndex: unknown,
  delta: string,
  logprobs: unknown,
  out: ChatCompletionChunk[],
): void {
  const part = partState(state, itemId, contentIndex);
  part.textSeen = true;
  if (delta === '' || state.stop?.stopped) return;
  let text = delta;
  if (!state.messagesWithText.has(itemId)) {
    state.messagesWithText.add(itemId);
    if (state.contentLength > 0) text = MESSAGE_SEPARATOR + text;
  }
  if (part.offset < 0) part.offset = state.contentLength + (text.length - delta.length);
  if (state.stop) text = state.stop.push(text);
  state.contentLength += text.length;
  const choiceLogprobs: ChatChoiceLogprobs | undefined =
    state.context.logprobs && Array.isArray(logprobs)
      ? { content: logprobs.map(toChatLogprob), refusal: null }
      : undefined;
  if (text === '' && !choiceLogprobs) return;
  emit(state, out, { content: text }, choiceLogprobs);
}

function onRefusal(state: StreamState, itemId: string, contentIndex: unknown, delta: string, out: ChatCompletionChunk[]): void {
  partState(state, itemId, `refusal${String(contentIndex)}`).textSeen = true;
  if (delta !== '') emit(state, out, { refusal: delta });
}

function onReasoning(state: StreamState, delta: string, out: ChatCompletionChunk[]): void {
  if (!state.options.reasoningContent || delta === '') return;
  const text = state.reasoningSeparatorPending ? MESSAGE_SEPARATOR + delta : delta;
  state.reasoningSeparatorPending = false;
  state.reasoningLength += text.length;
  emit(state, out, { reasoning_content: text });
}

function finishStream(
  state: StreamState,
  response: UpstreamResponse,
  out: ChatCompletionChunk[],
): { kind: 'finished'; finishReason: FinishReason } | { kind: 'failed'; error: HttpError } {
  state.finished = true;
  adoptEnvelope(state, response);
  state.usage = response.usage ?? undefined;
  if (state.stop) {
    const rest = state.stop.flush();
    if (rest !== '') {
      state.contentLength += rest.length;
      emit(state, out, { content: rest });
    }
  }
  const finishReason = state.stop?.stopped
    ? 'stop'
    : toFinishReason(response.status, response.incomplete_details?.reason, state.toolCalls.size > 0, state.context.legacyFunctions);
  out.push(chunk(state, {}, undefined, finishReason));
  return { kind: 'finished', finishReason };
}

function partState(state: StreamState, itemId: unknown, contentIndex: unknown): PartState {
  const key = `${String(itemId)}:${String(contentIndex ?? 0)}`;
  let part = state.parts.get(key);
  if (!part) {
    part = { offset: -1, textSeen: false };
    state.parts.set(key, part);
  }
  return part;
}

function emit(state: StreamState, out: ChatCompletionChunk[], delta: ChatDelta, logprobs?: ChatChoiceLogprobs): void {
  state.hasOutput = true;
  out.push(chunk(state, delta, logprobs));
}

function chunk(
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
    service_tier: state.serviceTier,
    system_fingerprint: null,
    choices: [{ index: state.choiceIndex, delta, logprobs: logprobs ?? null, finish_reason: finishReason }],
  };
  if (state.context.includeUsage) result.usage = null;
  return result;
}

/** Events that carry nothing a Chat client can show (kept apart from genuinely unknown ones). */
const SILENT_EVENTS = new Set([
  'response.content_part.done',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.done',
  'response.web_search_call.in_progress',
  'response.web_search_call.searching',
  'response.web_search_call.completed',
  'response.file_search_call.in_progress',
  'response.file_search_call.searching',
  'response.file_search_call.completed',
]);

function isKnownSilentEvent(type: string | undefined): boolean {
  return type !== undefined && SILENT_EVENTS.has(type);
}
