/**
 * Folds a `chat.completion.chunk` stream into the one `chat.completion` it stands for, so streamed
 * and non-streamed answers are compared by the same rules. Pure; lenient about what chunks hold.
 */
import { isRecord } from './answer-body.js';

interface ToolCallDraft {
  id: string | null;
  type: string;
  name: string;
  arguments: string;
}

interface ChoiceDraft {
  index: number;
  role: string;
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  finishReason: string | null;
  toolCalls: Map<number, ToolCallDraft>;
  functionCall: { name: string; arguments: string } | null;
}

export interface AssembledCompletion {
  id: string | null;
  object: 'chat.completion';
  created: number | null;
  model: string | null;
  choices: Array<{
    index: number;
    message: Record<string, unknown>;
    finish_reason: string | null;
  }>;
  usage: unknown;
  /** How many chunks were folded. */
  chunk_count: number;
}

function append(current: string | null, delta: unknown): string | null {
  return typeof delta === 'string' ? (current ?? '') + delta : current;
}

function draftFor(drafts: Map<number, ChoiceDraft>, index: number): ChoiceDraft {
  let draft = drafts.get(index);
  if (draft === undefined) {
    draft = { index, role: 'assistant', content: null, refusal: null, reasoning: null, finishReason: null, toolCalls: new Map(), functionCall: null };
    drafts.set(index, draft);
  }
  return draft;
}

function applyToolCallDeltas(draft: ChoiceDraft, deltas: unknown): void {
  if (!Array.isArray(deltas)) return;
  for (const [position, delta] of deltas.entries()) {
    if (!isRecord(delta)) continue;
    const index = typeof delta.index === 'number' ? delta.index : position;
    const call = draft.toolCalls.get(index) ?? { id: null, type: 'function', name: '', arguments: '' };
    if (typeof delta.id === 'string') call.id = delta.id;
    if (typeof delta.type === 'string') call.type = delta.type;
    const part = isRecord(delta.function) ? delta.function : isRecord(delta.custom) ? delta.custom : {};
    if (typeof part.name === 'string') call.name += part.name;
    call.arguments = append(call.arguments, part.arguments ?? part.input) ?? '';
    draft.toolCalls.set(index, call);
  }
}

function applyChoice(drafts: Map<number, ChoiceDraft>, choice: Record<string, unknown>, position: number): void {
  const draft = draftFor(drafts, typeof choice.index === 'number' ? choice.index : position);
  const delta = isRecord(choice.delta) ? choice.delta : {};
  if (typeof delta.role === 'string') draft.role = delta.role;
  draft.content = append(draft.content, delta.content);
  draft.refusal = append(draft.refusal, delta.refusal);
  draft.reasoning = append(draft.reasoning, delta.reasoning_content ?? delta.reasoning);
  applyToolCallDeltas(draft, delta.tool_calls);
  if (isRecord(delta.function_call)) {
    const legacy = draft.functionCall ?? { name: '', arguments: '' };
    if (typeof delta.function_call.name === 'string') legacy.name += delta.function_call.name;
    legacy.arguments = append(legacy.arguments, delta.function_call.arguments) ?? '';
    draft.functionCall = legacy;
  }
  if (typeof choice.finish_reason === 'string') draft.finishReason = choice.finish_reason;
}

function toolCallOf(call: ToolCallDraft): Record<string, unknown> {
  if (call.type === 'custom') return { id: call.id, type: 'custom', custom: { name: call.name, input: call.arguments } };
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

function messageOf(draft: ChoiceDraft): Record<string, unknown> {
  const message: Record<string, unknown> = { role: draft.role, content: draft.content, refusal: draft.refusal };
  if (draft.reasoning !== null) message.reasoning_content = draft.reasoning;
  if (draft.toolCalls.size > 0) {
    message.tool_calls = [...draft.toolCalls.entries()].sort(([left], [right]) => left - right).map(([, call]) => toolCallOf(call));
  }
  if (draft.functionCall !== null) message.function_call = draft.functionCall;
  return message;
}

/** One completion from the stream's chunks, in the order they arrived. */
export function assembleChunks(chunks: unknown[]): AssembledCompletion {
  const drafts = new Map<number, ChoiceDraft>();
  const completion: AssembledCompletion = { id: null, object: 'chat.completion', created: null, model: null, choices: [], usage: null, chunk_count: 0 };
  for (const chunk of chunks) {
    if (!isRecord(chunk)) continue;
    completion.chunk_count += 1;
    if (completion.id === null && typeof chunk.id === 'string') completion.id = chunk.id;
    if (completion.created === null && typeof chunk.created === 'number') completion.created = chunk.created;
    if (typeof chunk.model === 'string' && chunk.model !== '') completion.model = chunk.model;
    // `usage: null` rides on every chunk before the usage chunk when include_usage is asked.
    if (isRecord(chunk.usage)) completion.usage = chunk.usage;
    if (Array.isArray(chunk.choices)) chunk.choices.forEach((choice, position) => isRecord(choice) && applyChoice(drafts, choice, position));
  }
  completion.choices = [...drafts.values()]
    .sort((left, right) => left.index - right.index)
    .map((draft) => ({ index: draft.index, message: messageOf(draft), finish_reason: draft.finishReason }));
  return completion;
}
