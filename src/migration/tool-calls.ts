/**
 * Tool calls of the two answers, compared position by position across all choices: the same tool
 * names in the same order, and arguments that are the same JSON value once keys are sorted (models
 * emit keys in any order, which changes nothing for the tool).
 */
import type { AnswerChoice, AnswerToolCall } from './answer-body.js';
import { canonicalJson, parseJson } from './canonical-json.js';
import type { ToolCallFacts } from './types.js';

interface PlacedCall extends AnswerToolCall {
  choice: number;
}

function placedCalls(choices: AnswerChoice[]): PlacedCall[] {
  return choices.flatMap((choice) => choice.toolCalls.map((call) => ({ ...call, choice: choice.index })));
}

/** Custom tool input is free text, compared as it is; function arguments as canonical JSON. */
function comparableArguments(call: AnswerToolCall): string | undefined {
  if (call.kind === 'custom') return call.arguments;
  const parsed = parseJson(call.arguments);
  return parsed === undefined ? undefined : canonicalJson(parsed.value);
}

export function toolCallFacts(choices: AnswerChoice[]): ToolCallFacts[] {
  return placedCalls(choices).map((call) => ({
    choice: call.choice,
    name: call.name,
    argumentsValid: comparableArguments(call) !== undefined,
  }));
}

export interface ToolCallComparison {
  namesEqual: boolean;
  /** Every pair's arguments are valid and equal; false when the names already differ in number. */
  argumentsEqual: boolean;
}

export function compareToolCalls(chat: AnswerChoice[], responses: AnswerChoice[]): ToolCallComparison {
  const left = placedCalls(chat);
  const right = placedCalls(responses);
  const sameLength = left.length === right.length;
  const namesEqual =
    sameLength && left.every((call, index) => call.choice === right[index]?.choice && call.name === right[index]?.name);
  const argumentsEqual =
    sameLength &&
    left.every((call, index) => {
      const other = right[index];
      const mine = comparableArguments(call);
      return other !== undefined && mine !== undefined && mine === comparableArguments(other);
    });
  return { namesEqual, argumentsEqual };
}
