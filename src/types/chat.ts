/** What the adapter emits to Chat Completions clients. */

/** The processing tiers the official SDK types know; the upstream's value is passed on as it is. */
export type ServiceTier = 'auto' | 'default' | 'flex' | 'scale' | 'priority';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatTopLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}
export interface ChatTokenLogprob extends ChatTopLogprob {
  top_logprobs: ChatTopLogprob[];
}
export interface ChatChoiceLogprobs {
  content: ChatTokenLogprob[] | null;
  refusal: ChatTokenLogprob[] | null;
}

export interface ChatUrlCitation {
  type: 'url_citation';
  url_citation: { start_index: number; end_index: number; url: string; title: string };
}

export type ChatToolCall =
  | { id: string; type: 'function'; function: { name: string; arguments: string } }
  | { id: string; type: 'custom'; custom: { name: string; input: string } };

export interface ChatMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations: ChatUrlCitation[];
  tool_calls?: ChatToolCall[];
  function_call?: { name: string; arguments: string };
  /** Reasoning summary text; a widely read extension, not part of the official schema. */
  reasoning_content?: string;
  /** The same text under the name some clients read instead (`REASONING_FIELD=reasoning`). */
  reasoning?: string;
}

export interface ChatChoice {
  index: number;
  message: ChatMessage;
  finish_reason: FinishReason;
  logprobs: ChatChoiceLogprobs | null;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: {
    cached_tokens: number;
    audio_tokens: number;
    cache_write_tokens?: number;
  };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage: ChatUsage;
  service_tier?: ServiceTier | null;
  /** No Responses counterpart: omitted, as the SDK types allow. */
  system_fingerprint?: string;
  /** A stored completion's metadata (retrieve, list, update). */
  metadata?: Record<string, string>;
}

export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function' | 'custom';
  function?: { name?: string; arguments?: string };
  custom?: { name?: string; input?: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallDelta[];
  function_call?: { name?: string; arguments?: string };
  reasoning_content?: string;
  reasoning?: string;
  annotations?: ChatUrlCitation[];
}

export interface ChatChunkChoice {
  index: number;
  delta: ChatDelta;
  finish_reason: FinishReason | null;
  logprobs?: ChatChoiceLogprobs | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  usage?: ChatUsage | null;
  service_tier?: ServiceTier | null;
  /** No Responses counterpart: omitted, as the SDK types allow. */
  system_fingerprint?: string;
}
