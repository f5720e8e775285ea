/**
 * The stream translator: a pure reducer from Responses stream events to Chat chunks for one choice.
 * `step` never does I/O; the shell around it reads the upstream and writes the client.
 */
import { cleanItem, cleanResponse } from '../translate/lenient.js';
import { UpstreamProtocolError, type ApiError } from '../errors.js';
import { upstreamFailure } from '../translate/failure.js';
import { toFinishReason } from '../translate/finish-reason.js';
import { completionId } from '../translate/chat-envelope.js';
import type { ChatCompletionChunk } from '../types/chat.js';
import { isEndEvent, isStartEvent, knownEvent, type ErrorEvent, type RawUpstreamEvent, type UpstreamOutputItem, type UpstreamResponse } from '../types/responses-upstream.js';
import { isSilentEvent } from './silent-events.js';
import { chunk, type StepResult, type StreamEnd, type StreamState } from './stream-state.js';
import {
  deliverWholeMessage,
  flushHeldText,
  onAnnotation,
  onReasoning,
  onRefusal,
  onRefusalDone,
  onText,
  onTextDone,
  partStateFor,
  separateReasoning,
} from './text-deltas.js';
import { isToolCallItem, onToolCallItem, onToolInput, onToolInputDone } from './tool-call-deltas.js';

export { createStreamState } from './stream-state.js';
export type { StepResult, StreamEnd, StreamState } from './stream-state.js';
export type { RawUpstreamEvent } from '../types/responses-upstream.js';

/** Translates one upstream event. Mutates `state` (owned by one stream) and returns the chunks to send. */
export function step(state: StreamState, raw: RawUpstreamEvent): StepResult {
  const out: ChatCompletionChunk[] = [];
  const event = knownEvent(raw);
  if (state.finished) {
    // A stop sequence ends a choice early; a caller that needs the billed usage reads on to the end.
    if (state.stop?.stopped && event !== undefined && isEndEvent(event)) {
      const response = cleanResponse(event.response);
      state.usage ??= response.usage ?? undefined;
      if (event.type !== 'response.failed') return { chunks: out, completed: response };
    }
    return { chunks: out };
  }

  if (event !== undefined && isStartEvent(event)) {
    adoptEnvelope(state, cleanResponse(event.response));
    ensureRole(state, out);
    return { chunks: out };
  }
  ensureRole(state, out);
  if (event === undefined) {
    if (!isSilentEvent(raw.type)) state.unknownEvents++;
    return { chunks: out };
  }

  switch (event.type) {
    case 'response.output_item.added':
      onItemAdded(state, cleanItem(event.item), out);
      break;
    case 'response.output_item.done':
      onItemDone(state, cleanItem(event.item), out);
      break;
    case 'response.content_part.added':
      partStateFor(state, event.item_id, event.content_index);
      break;
    case 'response.output_text.delta':
      onText(state, String(event.item_id), event.content_index, String(event.delta ?? ''), event.logprobs, out);
      break;
    case 'response.output_text.done':
      onTextDone(state, event, out);
      break;
    case 'response.output_text.annotation.added':
      onAnnotation(state, event, out);
      break;
    case 'response.refusal.delta':
      onRefusal(state, event.item_id, event.content_index, String(event.delta ?? ''), out);
      break;
    case 'response.refusal.done':
      onRefusalDone(state, event, out);
      break;
    case 'response.function_call_arguments.delta':
    case 'response.custom_tool_call_input.delta':
      onToolInput(state, event.item_id, String(event.delta ?? ''), out);
      break;
    // Arguments may arrive only here (no deltas); the name never does in real traffic (see the event's type).
    case 'response.function_call_arguments.done':
      onToolInputDone(state, event.item_id, event.arguments, out);
      break;
    case 'response.custom_tool_call_input.done':
      onToolInputDone(state, event.item_id, event.input, out);
      break;
    case 'response.reasoning_summary_part.added':
      separateReasoning(state);
      break;
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_text.delta':
      onReasoning(state, String(event.delta ?? ''), out);
      break;
    case 'response.completed':
    case 'response.incomplete': {
      const response = cleanResponse(event.response);
      return { chunks: out, end: finishStream(state, response, out), completed: response };
    }
    case 'response.failed': {
      state.finished = true;
      const response = cleanResponse(event.response);
      return { chunks: out, end: { kind: 'failed', error: upstreamFailure(response.error, 'The upstream response failed.') } };
    }
    case 'error':
      state.finished = true;
      return { chunks: out, end: { kind: 'failed', error: errorEventFailure(event) } };
    default:
      event satisfies never;
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
      error: new UpstreamProtocolError('The upstream stream ended before the response was complete.', 'upstream_stream_truncated'),
    },
  };
}

/** Real traffic nests the fields in `error`; the types and spec put them at the top level. */
function errorEventFailure(event: ErrorEvent): ApiError {
  if (event.error !== null && typeof event.error === 'object') return upstreamFailure(event.error, 'The upstream reported an error.');
  // At the top level, `type` is the event's own type ('error'), not an error type.
  const { code, message, param } = event;
  return upstreamFailure({ code, message, param }, 'The upstream reported an error.');
}

/**
 * Takes id, created, model and service tier from the first response snapshot; they never change
 * after the role chunk, so every chunk of the stream carries the same ones. For the tier that is
 * the first value known, what `response.created` says (`auto` when that was asked), although
 * `response.completed` names the tier that served it (`default`): a client reading any chunk
 * sees one value (the JSON answer, built from the final response, has the served tier).
 */
function adoptEnvelope(state: StreamState, response: UpstreamResponse | undefined): void {
  if (!response || state.roleSent) return;
  if (response.id) state.id = completionId(response.id);
  if (typeof response.created_at === 'number') state.created = response.created_at;
  if (response.model) state.model = response.model;
  if (typeof response.service_tier === 'string') state.serviceTier = response.service_tier;
}

function ensureRole(state: StreamState, out: ChatCompletionChunk[]): void {
  if (state.roleSent) return;
  state.roleSent = true;
  out.push(chunk(state, { role: 'assistant', content: '', refusal: null }));
}

function onItemAdded(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  if (isToolCallItem(item)) onToolCallItem(state, item, out);
  else if (item.type === 'reasoning') separateReasoning(state);
}

/** Delivers whatever of a finished item no earlier event carried (relays may send items whole). */
function onItemDone(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  if (isToolCallItem(item)) onToolCallItem(state, item, out);
  else if (item.type === 'message') deliverWholeMessage(state, item, out);
}

function finishStream(state: StreamState, response: UpstreamResponse, out: ChatCompletionChunk[]): StreamEnd {
  state.finished = true;
  adoptEnvelope(state, response);
  state.usage = response.usage ?? undefined;
  // A relay may send the output only in the terminal event.
  for (const item of response.output ?? []) {
    if (state.stop?.stopped) break;
    onItemDone(state, item, out);
  }
  flushHeldText(state, out);
  const { status, incomplete_details: incomplete } = response;
  const finishReason = state.stop?.stopped
    ? 'stop'
    : toFinishReason(status, incomplete?.reason, state.toolCalls.size > 0, state.context.legacyFunctions);
  out.push(chunk(state, {}, undefined, finishReason));
  return { kind: 'finished', finishReason };
}
