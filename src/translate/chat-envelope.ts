/**
 * What every Chat answer carries whichever way it is built (JSON or stream): the shape the
 * client asked for, the id, and how reasoning and several message items are shown.
 */

/** What the answer translators need to know about the original Chat request. */
export interface ChatContext {
  /** Choices asked for; each is one upstream call. */
  n: number;
  stream: boolean;
  includeUsage: boolean;
  /** Stop sequences to cut the text at (emulated). */
  stop: string[];
  logprobs: boolean;
  /** Answer with `function_call` instead of `tool_calls` (legacy functions API). */
  legacyFunctions: boolean;
}

export type ReasoningField = 'reasoning_content' | 'reasoning';

export interface ResponseTranslationOptions {
  /** Surface reasoning summaries as `message.reasoning_content`. */
  reasoningContent: boolean;
  /** The field they go in: `reasoning_content` (default, the most widely read) or `reasoning`. */
  reasoningField?: ReasoningField;
}

/** Put between the texts of two message items (e.g. `phase: commentary` then the final answer). */
export const MESSAGE_SEPARATOR = '\n\n';

/**
 * `chatcmpl-` id derived from the upstream response id, so the two can be matched in logs. An id
 * that is not a string (a relay's number) is not one: a time-based id stands in.
 */
export function completionId(responseId: unknown): string {
  return `chatcmpl-${(typeof responseId === 'string' ? responseId : `${Date.now()}`).replace(/^resp_/, '')}`;
}
