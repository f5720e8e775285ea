/**
 * Lenient reading of a `chat.completion` body (or an error body): both paths are compared on what
 * they actually sent, so nothing here trusts the shape.
 */
import type { AnswerSide, SideError, TokenUsage } from './types.js';

export interface AnswerToolCall {
  kind: 'function' | 'custom';
  name: string;
  /** Function arguments (JSON text) or custom tool input (free text). */
  arguments: string;
}

export interface AnswerChoice {
  index: number;
  content: string | null;
  refusal: string | null;
  finishReason: string | null;
  toolCalls: AnswerToolCall[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toolCallsOf(message: Record<string, unknown>): AnswerToolCall[] {
  const calls: AnswerToolCall[] = [];
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (!isRecord(call)) continue;
    if (isRecord(call.custom)) {
      calls.push({ kind: 'custom', name: text(call.custom.name) ?? '', arguments: text(call.custom.input) ?? '' });
    } else if (isRecord(call.function)) {
      calls.push({ kind: 'function', name: text(call.function.name) ?? '', arguments: text(call.function.arguments) ?? '' });
    }
  }
  // The legacy `functions` answer shape: one call on the message itself.
  if (isRecord(message.function_call)) {
    const legacy = message.function_call;
    calls.push({ kind: 'function', name: text(legacy.name) ?? '', arguments: text(legacy.arguments) ?? '' });
  }
  return calls;
}

/** The choices of a completion, sorted by index; empty for anything that is not one. */
export function choicesOf(body: unknown): AnswerChoice[] {
  if (!isRecord(body) || !Array.isArray(body.choices)) return [];
  const choices = body.choices.filter(isRecord).map((choice, position): AnswerChoice => {
    const message = isRecord(choice.message) ? choice.message : {};
    return {
      index: typeof choice.index === 'number' ? choice.index : position,
      content: text(message.content),
      refusal: text(message.refusal),
      finishReason: text(choice.finish_reason),
      toolCalls: toolCallsOf(message),
    };
  });
  return choices.sort((left, right) => left.index - right.index);
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function usageOf(body: unknown): TokenUsage | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  const { usage } = body;
  return {
    prompt_tokens: count(usage.prompt_tokens),
    completion_tokens: count(usage.completion_tokens),
    total_tokens: count(usage.total_tokens),
  };
}

/** The side's error: the one observed in transport, or the one a non-2xx body describes. */
export function errorOf(side: AnswerSide): SideError | null {
  if (side.error) return side.error;
  const failed = side.status < 200 || side.status >= 300;
  const body = isRecord(side.body) ? side.body : {};
  if (!failed && !('error' in body && body.error)) return null;
  const error = isRecord(body.error) ? body.error : {};
  return {
    status: side.status,
    code: text(error.code) ?? text(error.type),
    message: text(error.message) ?? (typeof body.error === 'string' ? body.error : `HTTP ${side.status}`),
  };
}
