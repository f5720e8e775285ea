import { invalidRequest } from '../errors.js';
import type { ChatFunctionDefinition, ChatRequest, ChatTool, ChatToolChoice } from '../schema/chat-request.js';
import type { FunctionTool, Tool, ToolChoice, WebSearchTool } from '../types/responses.js';

export interface TranslatedTools {
  tools: Tool[] | undefined;
  toolChoice: ToolChoice | undefined;
  /** The request used the legacy `functions` API; answers go back as `function_call`. */
  legacyFunctions: boolean;
}

// A function declared without parameters takes none; Responses wants that said as a schema.
const NO_PARAMETERS = { type: 'object', properties: {}, additionalProperties: false } as const;

/** Chat tools, legacy functions and web_search_options to flattened Responses tools and tool_choice. */
export function translateTools(chat: ChatRequest): TranslatedTools {
  if (chat.functions && chat.tools) {
    throw invalidRequest("Use either 'tools' or the legacy 'functions', not both.", 'functions');
  }
  if (chat.function_call != null && chat.tool_choice != null) {
    throw invalidRequest("Use either 'tool_choice' or the legacy 'function_call', not both.", 'function_call');
  }
  const legacyFunctions = chat.functions != null;
  const tools: Tool[] = legacyFunctions
    ? chat.functions!.map(functionTool)
    : (chat.tools ?? []).map(translateTool);
  if (chat.web_search_options) tools.push(webSearchTool(chat.web_search_options));

  let toolChoice: ToolChoice | undefined;
  if (chat.tool_choice != null) toolChoice = translateToolChoice(chat.tool_choice);
  else if (chat.function_call != null) {
    toolChoice =
      typeof chat.function_call === 'string'
        ? chat.function_call
        : { type: 'function', name: chat.function_call.name };
  }
  return { tools: tools.length > 0 ? tools : undefined, toolChoice, legacyFunctions };
}

function translateTool(tool: ChatTool): Tool {
  if (tool.type === 'function') return functionTool(tool.function);
  const custom = tool.custom;
  return {
    type: 'custom',
    name: custom.name,
    ...(custom.description != null && { description: custom.description }),
    ...(custom.format != null && {
      format:
        custom.format.type === 'text'
          ? { type: 'text' as const }
          : { type: 'grammar' as const, definition: custom.format.grammar.definition, syntax: custom.format.grammar.syntax },
    }),
  };
}

function functionTool(definition: ChatFunctionDefinition): FunctionTool {
  return {
    type: 'function',
    name: definition.name,
    ...(definition.description != null && { description: definition.description }),
    parameters: definition.parameters ?? { ...NO_PARAMETERS },
    // Chat defaults strict to false; Responses has documented true as its default, so always say it.
    strict: definition.strict ?? false,
  };
}

function webSearchTool(options: NonNullable<ChatRequest['web_search_options']>): WebSearchTool {
  const tool: WebSearchTool = { type: 'web_search' };
  if (options.search_context_size != null) tool.search_context_size = options.search_context_size;
  const location = options.user_location?.approximate;
  if (location) {
    tool.user_location = { type: 'approximate' };
    if (location.city != null) tool.user_location.city = location.city;
    if (location.country != null) tool.user_location.country = location.country;
    if (location.region != null) tool.user_location.region = location.region;
    if (location.timezone != null) tool.user_location.timezone = location.timezone;
  }
  return tool;
}

export function translateToolChoice(choice: ChatToolChoice): ToolChoice {
  if (typeof choice === 'string') return choice;
  switch (choice.type) {
    case 'function':
      return { type: 'function', name: choice.function.name };
    case 'custom':
      return { type: 'custom', name: choice.custom.name };
    case 'allowed_tools':
      return {
        type: 'allowed_tools',
        mode: choice.allowed_tools.mode,
        tools: choice.allowed_tools.tools.map((tool) =>
          tool.type === 'function'
            ? { type: 'function' as const, name: tool.function.name }
            : { type: 'custom' as const, name: tool.custom.name },
        ),
      };
    default:
      return choice satisfies never;
  }
}
