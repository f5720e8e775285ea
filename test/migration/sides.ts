/** Builders for answer sides in comparison tests: a completion as Chat Completions sends it. */
import type { AnswerSide } from '../../src/migration/types.js';

export interface ChoiceSpec {
  content?: string | null;
  refusal?: string | null;
  finish?: string;
  toolCalls?: Array<[name: string, args: string]>;
}

export function completion(choices: ChoiceSpec | ChoiceSpec[], usage: [number, number] = [10, 5]) {
  const list = Array.isArray(choices) ? choices : [choices];
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1767225600,
    model: 'gpt-test',
    choices: list.map((choice, index) => ({
      index,
      message: {
        role: 'assistant',
        content: choice.content === undefined ? null : choice.content,
        refusal: choice.refusal ?? null,
        ...(choice.toolCalls
          ? { tool_calls: choice.toolCalls.map(([name, args], call) => ({ id: `call_${call}`, type: 'function', function: { name, arguments: args } })) }
          : {}),
      },
      finish_reason: choice.finish ?? (choice.toolCalls ? 'tool_calls' : 'stop'),
      logprobs: null,
    })),
    usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] },
  };
}

export function answered(choices: ChoiceSpec | ChoiceSpec[], latencyMs = 100, usage?: [number, number]): AnswerSide {
  return { status: 200, body: completion(choices, usage), latencyMs };
}

export function failed(status: number, code: string | null, message = 'failed', latencyMs = 50): AnswerSide {
  return { status, body: { error: { message, type: 'server_error', param: null, code } }, latencyMs };
}

export const plainRequest = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };

export const toolRequest = {
  model: 'gpt-test',
  messages: [{ role: 'user', content: 'Weather?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
};
