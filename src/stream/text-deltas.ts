/** Text, refusal, annotation and reasoning deltas of one choice. */
import { objectsIn } from '../translate/lenient.js';
import { toChatAnnotation } from '../translate/annotations.js';
import { placeLogprobs, type PlacedLogprob } from '../translate/logprobs.js';
import { MESSAGE_SEPARATOR } from '../translate/chat-envelope.js';
import type { ChatChoiceLogprobs, ChatCompletionChunk } from '../types/chat.js';
import type {
  AnnotationAddedEvent,
  RefusalDoneEvent,
  TextDoneEvent,
  UpstreamOutputItem,
} from '../types/responses-upstream.js';
import { emit, type PartState, type StreamState } from './stream-state.js';

export function partStateFor(state: StreamState, itemId: unknown, contentIndex: unknown): PartState {
  // Deltas come in runs on one part: the last one found answers without building a key.
  const last = state.lastPart;
  if (last !== undefined && last.itemId === itemId && last.contentIndex === contentIndex) return last.part;
  const key = `${String(itemId)}:${String(contentIndex ?? 0)}`;
  let part = state.parts.get(key);
  if (!part) {
    part = { offset: -1, textSeen: false, annotationsSent: 0 };
    state.parts.set(key, part);
  }
  state.lastPart = { itemId, contentIndex, part };
  return part;
}

const refusalPart = (state: StreamState, itemId: unknown, contentIndex: unknown): PartState =>
  partStateFor(state, itemId, `refusal${String(contentIndex ?? 0)}`);

export function onText(
  state: StreamState,
  itemId: string,
  contentIndex: unknown,
  delta: string,
  logprobs: unknown,
  out: ChatCompletionChunk[],
): void {
  const part = partStateFor(state, itemId, contentIndex);
  part.textSeen = true;
  if (delta === '' || state.stop?.stopped) return;
  const separator = state.messagesWithText.has(itemId) || state.textLength === 0 ? '' : MESSAGE_SEPARATOR;
  state.messagesWithText.add(itemId);
  const deltaStart = state.textLength + separator.length;
  if (part.offset < 0) part.offset = deltaStart;
  state.textLength = deltaStart + delta.length;

  const text = state.stop ? state.stop.push(separator + delta) : separator + delta;
  state.sentTextLength += text.length;
  let tokens: PlacedLogprob[] | undefined;
  if (state.context.logprobs && Array.isArray(logprobs)) {
    tokens = placeLogprobs(objectsIn(logprobs), deltaStart);
    if (state.stop) tokens = releaseLogprobs(state, tokens);
  }
  if (text === '' && !tokens?.length) return;
  emit(state, out, { content: text }, tokens && chatLogprobs(tokens));
}

/**
 * With a stop scanner, a token's logprob goes out with the chunk that completes its text, so a
 * token cut off by a stop sequence is never sent (the same tokens as a non-stream answer keeps).
 */
function releaseLogprobs(state: StreamState, tokens: PlacedLogprob[]): PlacedLogprob[] {
  const held = [...state.heldLogprobs, ...tokens];
  const ready = held.filter((token) => token.end <= state.sentTextLength);
  state.heldLogprobs = state.stop?.stopped ? [] : held.filter((token) => token.end > state.sentTextLength);
  return ready;
}

const chatLogprobs = (tokens: PlacedLogprob[]): ChatChoiceLogprobs => ({
  content: tokens.map((token) => token.logprob),
  refusal: null,
});

/** Sends what a stop scanner still holds back, once the text has ended without a stop. */
export function flushHeldText(state: StreamState, out: ChatCompletionChunk[]): void {
  const rest = state.stop?.flush() ?? '';
  const tokens = state.heldLogprobs;
  state.heldLogprobs = [];
  if (rest === '' && tokens.length === 0) return;
  state.sentTextLength += rest.length;
  emit(state, out, { content: rest }, state.context.logprobs ? chatLogprobs(tokens) : undefined);
}

export function onTextDone(state: StreamState, event: TextDoneEvent, out: ChatCompletionChunk[]): void {
  // Some relays send only the finished text; deliver it if no delta carried it.
  if (partStateFor(state, event.item_id, event.content_index).textSeen || !event.text) return;
  onText(state, String(event.item_id), event.content_index, String(event.text), event.logprobs, out);
}

export function onRefusal(
  state: StreamState,
  itemId: unknown,
  contentIndex: unknown,
  delta: string,
  out: ChatCompletionChunk[],
): void {
  refusalPart(state, itemId, contentIndex).textSeen = true;
  if (delta !== '') emit(state, out, { refusal: delta });
}

export function onRefusalDone(state: StreamState, event: RefusalDoneEvent, out: ChatCompletionChunk[]): void {
  if (refusalPart(state, event.item_id, event.content_index).textSeen || !event.refusal) return;
  onRefusal(state, event.item_id, event.content_index, String(event.refusal), out);
}

/** A message item that arrived whole (no deltas, or some parts without them): deliver what is missing. */
export function deliverWholeMessage(state: StreamState, item: UpstreamOutputItem, out: ChatCompletionChunk[]): void {
  const itemId = item.id;
  if (!itemId) return;
  (item.content ?? []).forEach((part, index) => {
    if (part.type === 'output_text') {
      if (part.text && !partStateFor(state, itemId, index).textSeen) onText(state, itemId, index, part.text, part.logprobs, out);
      // Annotations no event carried (a relay may send them only on the finished item).
      const annotations = part.annotations ?? [];
      for (const annotation of annotations.slice(partStateFor(state, itemId, index).annotationsSent)) {
        onAnnotation(state, { type: 'response.output_text.annotation.added', item_id: itemId, content_index: index, annotation }, out);
      }
    } else if (part.type === 'refusal' && part.refusal && !refusalPart(state, itemId, index).textSeen) {
      onRefusal(state, itemId, index, part.refusal, out);
    }
  });
}

export function onAnnotation(state: StreamState, event: AnnotationAddedEvent, out: ChatCompletionChunk[]): void {
  const part = partStateFor(state, event.item_id, event.content_index);
  const offset = part.offset >= 0 ? part.offset : state.textLength;
  const annotation = event.annotation ? toChatAnnotation(event.annotation, offset) : undefined;
  part.annotationsSent++;
  if (annotation && !state.stop?.stopped) emit(state, out, { annotations: [annotation] });
}

/** Summary parts and reasoning items are separated by a blank line, as in non-stream answers. */
export function separateReasoning(state: StreamState): void {
  if (state.reasoningLength > 0) state.reasoningSeparatorPending = true;
}

export function onReasoning(state: StreamState, delta: string, out: ChatCompletionChunk[]): void {
  if (!state.options.reasoningContent || delta === '') return;
  const text = state.reasoningSeparatorPending ? MESSAGE_SEPARATOR + delta : delta;
  state.reasoningSeparatorPending = false;
  state.reasoningLength += text.length;
  emit(state, out, { [state.options.reasoningField ?? 'reasoning_content']: text });
}
