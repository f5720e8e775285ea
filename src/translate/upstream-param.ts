import { ApiError } from '../errors.js';
import type { InputItem, ResponsesRequest } from '../types/responses.js';

/** Where each part of the upstream request came from in the Chat request. */
export interface ParamOrigins {
  /** The input as translated (before reasoning was put back into it). */
  input: readonly InputItem[];
  /** The index of the Chat message each item of `input` came from. */
  messages: readonly number[];
  /** The Chat name of the token limit, when one was sent. */
  maxTokens: 'max_tokens' | 'max_completion_tokens' | undefined;
  /** The Chat path of each upstream tool, in order: `tools[0].function`, `functions[1]`, `web_search_options`. */
  tools: string[];
  toolChoice: 'tool_choice' | 'function_call';
}

/**
 * An upstream error's `param` (a path in the Responses request the adapter sent) as the path of the
 * Chat field the client wrote, so `input[4].content[0]` reads `messages[3].content[0]` and
 * `text.format.schema` reads `response_format.json_schema.schema`. Unknown paths pass unchanged.
 */
export function toChatParam(param: string, sent: ResponsesRequest, origins: ParamOrigins): string {
  const inputPath = /^input\[(\d+)\](.*)$/.exec(param);
  if (inputPath) {
    const at = Number(inputPath[1]);
    const item = sent.input[at];
    // The sent input may hold replayed reasoning too (which has no origin): find the item by identity,
    // once, on the error path.
    const translated = sent.input === origins.input ? at : item === undefined ? -1 : origins.input.indexOf(item);
    if (item === undefined || translated < 0) return 'messages';
    const origin = `messages[${origins.messages[translated]}]`;
    // A user or system message keeps its parts one for one; other items reshape them.
    const part = /^\.content\[\d+\]/.exec(inputPath[2] ?? '');
    return part && item.type === 'message' && item.role !== 'assistant' ? `${origin}${part[0]}` : origin;
  }
  if (param === 'input' || param === 'instructions') return 'messages';
  if (param === 'max_output_tokens') return origins.maxTokens ?? param;
  const toolPath = /^tools\[(\d+)\](.*)$/.exec(param);
  if (toolPath) {
    const origin = origins.tools[Number(toolPath[1])];
    if (!origin) return param;
    return origin === 'web_search_options' ? origin : `${origin}${toolPath[2] ?? ''}`;
  }
  if (param === 'tool_choice' || param.startsWith('tool_choice.')) return origins.toolChoice;
  if (param === 'text.format' || param === 'text.format.type') return param === 'text.format' ? 'response_format' : 'response_format.type';
  if (param.startsWith('text.format.')) return `response_format.json_schema.${param.slice('text.format.'.length)}`;
  if (param === 'text.verbosity') return 'verbosity';
  if (param === 'reasoning.effort') return 'reasoning_effort';
  return param;
}

/** An upstream rejection of the request the adapter sent, naming the Chat field instead. */
export function inChatTerms(error: unknown, sent: ResponsesRequest, origins: ParamOrigins): unknown {
  if (!(error instanceof ApiError) || error.param === null || error.status >= 500) return error;
  return error.with({ param: toChatParam(error.param, sent, origins) });
}
