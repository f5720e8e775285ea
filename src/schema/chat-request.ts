import { z } from 'zod';

/**
 * What `POST /v1/chat/completions` accepts: the Chat Completions request as the official SDKs send
 * it. Objects are strict (an unknown key is a 400 naming it, as the real API answers) except where
 * real clients are known to send extra keys. `null` means "not set" everywhere, as in the SDKs.
 */

// Every content part may mark the end of a reusable prompt prefix (6.49 types).
const promptCacheBreakpoint = z.strictObject({ mode: z.literal('explicit') }).optional();

const textPart = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  prompt_cache_breakpoint: promptCacheBreakpoint,
});

const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
  }),
  prompt_cache_breakpoint: promptCacheBreakpoint,
});

const audioPart = z.strictObject({
  type: z.literal('input_audio'),
  input_audio: z.strictObject({ data: z.string(), format: z.string() }),
  prompt_cache_breakpoint: promptCacheBreakpoint,
});

const filePart = z.strictObject({
  type: z.literal('file'),
  prompt_cache_breakpoint: promptCacheBreakpoint,
  file: z
    .strictObject({
      file_id: z.string().nullish(),
      file_data: z.string().nullish(),
      filename: z.string().nullish(),
    })
    .refine((file) => Boolean(file.file_id || file.file_data), {
      message: 'A file part needs file_id or file_data.',
    }),
});

const refusalPart = z.strictObject({ type: z.literal('refusal'), refusal: z.string() });

const userContentPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart]);

const textContent = z.union([z.string(), z.array(textPart).min(1)]);

const functionToolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});
const customToolCall = z.strictObject({
  id: z.string().min(1),
  type: z.literal('custom'),
  custom: z.strictObject({ name: z.string().min(1), input: z.string() }),
});
const toolCall = z.discriminatedUnion('type', [functionToolCall, customToolCall]);

const name = z.string().nullish();

const systemMessage = z.strictObject({ role: z.literal('system'), content: textContent, name });
const developerMessage = z.strictObject({ role: z.literal('developer'), content: textContent, name });
const userMessage = z.strictObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userContentPart).min(1)]),
  name,
});
// Assistant history is what the model said earlier, echoed back: agent frameworks (the OpenAI Agents
// SDK) copy the earlier answer's keys (`annotations`, `role`, `tool_calls`...) onto its text parts.
// Those keys carry nothing to replay, so they are stripped instead of refused.
const assistantContentPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), prompt_cache_breakpoint: promptCacheBreakpoint }),
  z.object({ type: z.literal('refusal'), refusal: z.string() }),
]);

const assistantMessage = z.strictObject({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(assistantContentPart)]).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCall).nullish(),
  function_call: z.strictObject({ name: z.string().min(1), arguments: z.string() }).nullish(),
  audio: z.strictObject({ id: z.string() }).nullish(),
  name,
  // Sent back by clients of reasoning-capable Chat servers; it has no Responses counterpart on replay.
  reasoning_content: z.string().nullish(),
  // Some clients echo the annotations they received.
  annotations: z.array(z.unknown()).nullish(),
  // The official SDK's stream helper and `parse()` add `parsed` to the message they return, and
  // applications push that message back as history.
  parsed: z.unknown().optional(),
});
const toolMessage = z.strictObject({
  role: z.literal('tool'),
  content: textContent,
  tool_call_id: z.string().min(1),
  // Not in the types, but OpenAI's own cookbook and LangGraph's ToolNode send the function name here.
  name,
});
const functionMessage = z.strictObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string().min(1),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionDefinition = z.strictObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const customFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({
    type: z.literal('grammar'),
    grammar: z.strictObject({ definition: z.string(), syntax: z.enum(['lark', 'regex']) }),
  }),
]);

const functionTool = z.strictObject({ type: z.literal('function'), function: functionDefinition });
const customTool = z.strictObject({
  type: z.literal('custom'),
  custom: z.strictObject({
    name: z.string().min(1),
    description: z.string().nullish(),
    format: customFormat.nullish(),
  }),
});

const namedFunction = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1) }),
});
const namedCustom = z.strictObject({
  type: z.literal('custom'),
  custom: z.strictObject({ name: z.string().min(1) }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    namedFunction,
    namedCustom,
    z.strictObject({
      type: z.literal('allowed_tools'),
      allowed_tools: z.strictObject({
        mode: z.enum(['auto', 'required']),
        tools: z.array(z.discriminatedUnion('type', [namedFunction, namedCustom])).min(1),
      }),
    }),
  ]),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must match ^[A-Za-z0-9_-]{1,64}$.'),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const approximateLocation = z.strictObject({
  city: z.string().nullish(),
  country: z.string().nullish(),
  region: z.string().nullish(),
  timezone: z.string().nullish(),
});

const reasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

export const chatRequestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z
    .strictObject({
      include_usage: z.boolean().nullish(),
      include_obfuscation: z.boolean().nullish(),
    })
    .nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.int().min(1).max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  seed: z.int().nullish(),
  tools: z.array(z.discriminatedUnion('type', [functionTool, customTool])).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  functions: z.array(functionDefinition).min(1).nullish(),
  function_call: z
    .union([z.enum(['none', 'auto']), z.strictObject({ name: z.string().min(1) })])
    .nullish(),
  response_format: responseFormat.nullish(),
  reasoning_effort: reasoningEffort.nullish(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  audio: z.record(z.string(), z.unknown()).nullish(),
  prediction: z
    .strictObject({ type: z.literal('content'), content: z.union([z.string(), z.array(textPart)]) })
    .nullish(),
  web_search_options: z
    .strictObject({
      search_context_size: z.enum(['low', 'medium', 'high']).nullish(),
      user_location: z
        .strictObject({ type: z.literal('approximate'), approximate: approximateLocation })
        .nullish(),
    })
    .nullish(),
  store: z.boolean().nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().max(64).nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.enum(['in_memory', 'in-memory', '24h']).nullish(),
  prompt_cache_options: z.record(z.string(), z.unknown()).nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullish(),
  moderation: z.record(z.string(), z.unknown()).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatRequestMessage = z.infer<typeof chatMessageSchema>;
export type ChatUserContentPart = z.infer<typeof userContentPart>;
export type ChatToolCallInput = z.infer<typeof toolCall>;
export type ChatFunctionDefinition = z.infer<typeof functionDefinition>;
export type ChatTool = NonNullable<ChatRequest['tools']>[number];
export type ChatToolChoice = z.infer<typeof toolChoice>;
export type ChatResponseFormat = z.infer<typeof responseFormat>;
