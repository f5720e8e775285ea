import { invalidRequest } from '../errors.js';
import type { ChatContext } from './chat-envelope.js';
import type { ChatRequest } from '../schema/chat-request.js';
import type { ResponsesRequest, TextFormat } from '../types/responses.js';
import { runAtOnce, type Steps } from '../yielding.js';
import { translateMessagesSteps } from './messages.js';
import { translateTools } from './tools.js';
import type { ParamOrigins } from './upstream-param.js';
import { WarningCollector, type AdapterWarning } from './warnings.js';

/** The Responses API refuses `max_output_tokens` below this. */
export const MIN_OUTPUT_TOKENS = 16;

export interface RequestTranslationOptions {
  /** Unsupported parameters become 400s instead of warnings. */
  strictParams?: boolean;
  /** Ask reasoning models for summaries (surfaced as `reasoning_content`). */
  reasoningSummary?: 'auto' | 'concise' | 'detailed';
}


export interface TranslatedRequest {
  request: ResponsesRequest;
  warnings: AdapterWarning[];
  context: ChatContext;
  /** Where the parts of `request` came from, to name Chat fields in upstream errors. */
  origins: ParamOrigins;
  /** The role of the messages that became `instructions` (a stored completion lists them back). */
  instructionsRole?: 'system' | 'developer';
}

/** Translates a validated Chat Completions request into one Responses request. Pure. */
export function toResponsesRequest(chat: ChatRequest, options: RequestTranslationOptions = {}): TranslatedRequest {
  return runAtOnce(toResponsesRequestSteps(chat, options));
}

/** `toResponsesRequest`, pausing between slices of a long message list (see `yielding.ts`). */
export function* toResponsesRequestSteps(chat: ChatRequest, options: RequestTranslationOptions = {}): Steps<TranslatedRequest> {
  const warnings = new WarningCollector(options.strictParams ?? false);
  rejectUnservable(chat);
  dropUnsupported(chat, warnings);

  const { instructions, instructionsRole, input, origins: itemOrigins } = yield* translateMessagesSteps(chat.messages, warnings);
  const { tools, toolChoice, legacyFunctions } = translateTools(chat);

  const request: ResponsesRequest = {
    model: chat.model,
    input,
    // Chat never stores by default; Responses does unless told otherwise.
    store: chat.store === true,
  };
  if (instructions !== undefined) request.instructions = instructions;
  if (tools) request.tools = tools;
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (chat.parallel_tool_calls != null) request.parallel_tool_calls = chat.parallel_tool_calls;
  else if (legacyFunctions) request.parallel_tool_calls = false; // the legacy API returns one call at most

  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens;
  if (maxTokens != null) {
    const param = chat.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    if (maxTokens < MIN_OUTPUT_TOKENS) {
      warnings.adjust(param, `Raised from ${maxTokens} to ${MIN_OUTPUT_TOKENS}, the smallest limit the Responses API accepts.`);
    }
    request.max_output_tokens = Math.max(maxTokens, MIN_OUTPUT_TOKENS);
  }
  if (chat.temperature != null) request.temperature = chat.temperature;
  if (chat.top_p != null) request.top_p = chat.top_p;

  if (chat.logprobs) {
    request.include = ['message.output_text.logprobs'];
    if (chat.top_logprobs != null) request.top_logprobs = chat.top_logprobs;
  }

  const format = textFormat(chat);
  if (format || chat.verbosity != null) {
    request.text = {};
    if (format) request.text.format = format;
    if (chat.verbosity != null) request.text.verbosity = chat.verbosity;
  }
  if (chat.reasoning_effort != null || options.reasoningSummary) {
    request.reasoning = {};
    if (chat.reasoning_effort != null) request.reasoning.effort = chat.reasoning_effort;
    if (options.reasoningSummary && chat.reasoning_effort !== 'none') request.reasoning.summary = options.reasoningSummary;
  }

  if (chat.stream) {
    request.stream = true;
    if (chat.stream_options?.include_obfuscation != null) {
      request.stream_options = { include_obfuscation: chat.stream_options.include_obfuscation };
    }
  }
  if (chat.metadata != null) request.metadata = chat.metadata;
  if (chat.user != null) request.user = chat.user;
  if (chat.safety_identifier != null) request.safety_identifier = chat.safety_identifier;
  if (chat.prompt_cache_key != null) request.prompt_cache_key = chat.prompt_cache_key;
  if (chat.prompt_cache_retention != null) {
    // 6.10-era SDKs spelled it 'in-memory'; the wire wants 'in_memory'.
    request.prompt_cache_retention = chat.prompt_cache_retention === 'in-memory' ? 'in_memory' : chat.prompt_cache_retention;
  }
  if (chat.prompt_cache_options != null) request.prompt_cache_options = chat.prompt_cache_options;
  if (chat.service_tier != null) request.service_tier = chat.service_tier;
  if (chat.moderation != null) request.moderation = chat.moderation;

  const stop = chat.stop == null ? [] : (Array.isArray(chat.stop) ? chat.stop : [chat.stop]).filter((s) => s !== '');
  return {
    request,
    warnings: warnings.warnings,
    origins: {
      input,
      messages: itemOrigins,
      maxTokens: chat.max_completion_tokens != null ? 'max_completion_tokens' : chat.max_tokens != null ? 'max_tokens' : undefined,
      tools: [
        ...(legacyFunctions
          ? (chat.functions ?? []).map((_, index) => `functions[${index}]`)
          : (chat.tools ?? []).map((tool, index) => `tools[${index}].${tool.type}`)),
        ...(chat.web_search_options ? ['web_search_options'] : []),
      ],
      toolChoice: chat.function_call != null ? 'function_call' : 'tool_choice',
    },
    context: {
      n: chat.n ?? 1,
      stream: chat.stream === true,
      includeUsage: chat.stream === true && chat.stream_options?.include_usage === true,
      stop,
      logprobs: chat.logprobs === true,
      legacyFunctions,
    },
    ...(instructionsRole !== undefined && { instructionsRole }),
  };
}

function textFormat(chat: ChatRequest): TextFormat | undefined {
  const format = chat.response_format;
  if (!format) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const schema = format.json_schema;
  return {
    type: 'json_schema',
    name: schema.name,
    ...(schema.description != null && { description: schema.description }),
    schema: schema.schema ?? { type: 'object' },
    // Omitted, the API has been seen to apply strict: true; Chat's default is false.
    strict: schema.strict ?? false,
  };
}

/** Parameters whose meaning cannot be kept: a clear 400 rather than a different answer. */
function rejectUnservable(chat: ChatRequest): void {
  if (chat.modalities?.includes('audio')) {
    throw invalidRequest('Audio output is not available through the Responses API.', 'modalities', 'unsupported_parameter');
  }
  if (chat.audio != null) {
    throw invalidRequest('Audio output is not available through the Responses API.', 'audio', 'unsupported_parameter');
  }
  if (chat.stream_options != null && !chat.stream) {
    throw invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  if (chat.top_logprobs != null && !chat.logprobs) {
    throw invalidRequest("'top_logprobs' requires 'logprobs' to be true.", 'top_logprobs');
  }
}

/** Parameters the Responses API lacks: dropped with a warning when their value would matter. */
function dropUnsupported(chat: ChatRequest, warnings: WarningCollector): void {
  if (chat.seed != null) warnings.drop('seed', 'The Responses API has no seed; sampling is not reproducible.');
  if (chat.logit_bias != null && Object.values(chat.logit_bias).some((bias) => bias !== 0)) {
    warnings.drop('logit_bias', 'The Responses API has no logit_bias; token biases were not applied.');
  }
  if (chat.presence_penalty) {
    warnings.drop('presence_penalty', 'The Responses API has no presence_penalty; it was not applied.');
  }
  if (chat.frequency_penalty) {
    warnings.drop('frequency_penalty', 'The Responses API has no frequency_penalty; it was not applied.');
  }
  if (chat.prediction != null && predictedText(chat.prediction.content) !== '') {
    warnings.drop('prediction', 'The Responses API has no Predicted Outputs; the prediction was not used.');
  }
}

function predictedText(content: string | Array<{ text: string }>): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
