/**
 * The parts of the Responses API wire format the adapter sends and reads.
 * What we send is typed exactly; what we read is typed leniently (every field optional),
 * because the upstream adds fields and events often.
 */

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface InputTextPart {
  type: 'input_text';
  text: string;
  prompt_cache_breakpoint?: unknown;
}
export interface InputImagePart {
  type: 'input_image';
  image_url: string;
  detail: 'auto' | 'low' | 'high' | 'original';
  prompt_cache_breakpoint?: unknown;
}
export interface InputFilePart {
  type: 'input_file';
  file_id?: string;
  file_data?: string;
  filename?: string;
  prompt_cache_breakpoint?: unknown;
}
export type InputContentPart = InputTextPart | InputImagePart | InputFilePart;

export interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
}
export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface InputMessageItem {
  type: 'message';
  role: 'user' | 'system' | 'developer';
  content: string | InputContentPart[];
}
export interface AssistantMessageItem {
  type: 'message';
  role: 'assistant';
  content: string | Array<OutputTextPart | RefusalPart>;
}
export interface FunctionCallItem {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  call_id: string;
  name: string;
  input: string;
}
export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string | InputTextPart[];
}
export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  call_id: string;
  output: string | InputTextPart[];
}
/** A reasoning item replayed from an earlier turn (never with `status`: the API rejects it). */
export interface ReasoningInputItem {
  type: 'reasoning';
  id: string;
  summary: unknown[];
  encrypted_content?: string;
  content?: unknown[];
}

export type InputItem =
  | InputMessageItem
  | AssistantMessageItem
  | FunctionCallItem
  | CustomToolCallItem
  | FunctionCallOutputItem
  | CustomToolCallOutputItem
  | ReasoningInputItem;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}
export interface CustomTool {
  type: 'custom';
  name: string;
  description?: string;
  format?: { type: 'text' } | { type: 'grammar'; definition: string; syntax: 'lark' | 'regex' };
}
export interface WebSearchTool {
  type: 'web_search';
  search_context_size?: 'low' | 'medium' | 'high';
  user_location?: {
    type: 'approximate';
    city?: string;
    country?: string;
    region?: string;
    timezone?: string;
  };
}
export type Tool = FunctionTool | CustomTool | WebSearchTool;

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; name: string }
  | { type: 'custom'; name: string }
  | {
      type: 'allowed_tools';
      mode: 'auto' | 'required';
      tools: Array<{ type: 'function'; name: string } | { type: 'custom'; name: string }>;
    };

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      description?: string;
      schema: Record<string, unknown>;
      strict: boolean;
    };

/** Body of `POST /v1/responses` as the adapter builds it. */
export interface ResponsesRequest {
  model: string;
  input: InputItem[];
  instructions?: string;
  tools?: Tool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_logprobs?: number;
  text?: { format?: TextFormat; verbosity?: 'low' | 'medium' | 'high' };
  reasoning?: { effort?: ReasoningEffort; summary?: 'auto' | 'concise' | 'detailed' };
  include?: string[];
  store: boolean;
  /** Run asynchronously (needs `store: true`); see serve/background-run.ts. */
  background?: boolean;
  stream?: boolean;
  stream_options?: { include_obfuscation?: boolean };
  metadata?: Record<string, string>;
  user?: string;
  safety_identifier?: string;
  prompt_cache_key?: string;
  prompt_cache_retention?: string;
  prompt_cache_options?: Record<string, unknown>;
  service_tier?: string;
  moderation?: Record<string, unknown>;
}
