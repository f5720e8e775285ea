/** What one side's answer says, for the comparison and the reports. */
import { choicesOf, errorOf, usageOf, type AnswerChoice } from './answer-body.js';
import { checkStructuredOutput } from './structured-output.js';
import { toolCallFacts } from './tool-calls.js';
import type { AnswerSide, SideError, SideFacts } from './types.js';

export interface ReadSide {
  facts: SideFacts;
  choices: AnswerChoice[];
}

export function readSide(request: unknown, side: AnswerSide): ReadSide {
  const choices = choicesOf(side.body);
  let error: SideError | null = errorOf(side);
  if (error === null && choices.length === 0) {
    error = { status: side.status, code: 'invalid_answer', message: 'The answer is not a chat.completion with choices.' };
  }
  const ok = error === null;
  return {
    choices,
    facts: {
      status: side.status,
      ok,
      error,
      latencyMs: side.latencyMs,
      finishReasons: ok ? choices.map((choice) => choice.finishReason) : [],
      refusal: ok && choices.some((choice) => choice.refusal !== null && choice.refusal !== ''),
      toolCalls: ok ? toolCallFacts(choices) : [],
      structuredOutput: ok ? checkStructuredOutput(request, choices) : null,
      usage: usageOf(side.body),
    },
  };
}
