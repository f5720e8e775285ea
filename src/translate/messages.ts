import { invalidRequest } from '../errors.js';
import type { ChatRequestMessage, ChatToolCallInput, ChatUserContentPart } from '../schema/chat-request.js';
import type { AssistantMessageItem, CustomToolCallItem, FunctionCallItem, InputContentPart, InputFilePart, InputImagePart, InputItem, InputTextPart, OutputTextPart, RefusalPart } from '../types/responses.js';
import { runAtOnce, type Steps } from '../yielding.js';
import type { WarningCollector } from './warnings.js';

export interface TranslatedMessages {
  instructions: string | undefined;
  /** The role of the first leading system/developer message (a stored completion lists it back). */
  instructionsRole: 'system' | 'developer' | undefined;
  input: InputItem[];
  /** The index of the Chat message each input item came from (`messages[3]`), item by item. */
  origins: number[];
}

/** Messages translated between two pauses (see `yielding.ts`): a few milliseconds of work. */
export const MESSAGES_PER_SLICE = 4096;

type TextLike = string | Array<{ type: 'text'; text: string; prompt_cache_breakpoint?: unknown }>;

/**
 * Chat messages to Responses `instructions` + `input` items.
 * Leading system/developer messages become `instructions`; later ones stay in place with their role.
 */
export function translateMessages(messages: ChatRequestMessage[], warnings: WarningCollector): TranslatedMessages {
  return runAtOnce(translateMessagesSteps(messages, warnings));
}

/** `translateMessages`, pausing between slices of a long message list. */
export function* translateMessagesSteps(messages: ChatRequestMessage[], warnings: WarningCollector): Steps<TranslatedMessages> {
  const input: InputItem[] = [];
  const instructionTexts: string[] = [];
  let instructionsRole: 'system' | 'developer' | undefined;
  // The kind of every tool call so far: outputs must answer a known call, and a custom call's output
  // goes back as custom_tool_call_output.
  const callKinds = new Map<string, 'function' | 'custom'>();
  // Legacy function calls awaiting their `function` result message, by function name.
  const pendingLegacyCalls: Array<{ name: string; callId: string }> = [];
  let leading = true;

  const translateMessage = (message: ChatRequestMessage, index: number): void => {
    const at = `messages[${index}]`;
    // A function message's name pairs it with its call; a tool message's name repeats the called
    // function's, which its call id already identifies. Other names would be lost.
    if ('name' in message && message.name != null && message.role !== 'function' && message.role !== 'tool') {
      warnings.drop(`${at}.name`, 'The Responses API has no participant names; the message was sent without it.');
    }
    switch (message.role) {
      case 'system':
      case 'developer': {
        if (leading) {
          instructionsRole ??= message.role;
          instructionTexts.push(joinText(message.content));
          return;
        }
        input.push({ type: 'message', role: message.role, content: textParts(message.content) });
        return;
      }
      case 'user': {
        leading = false;
        input.push({
          type: 'message',
          role: 'user',
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part, partIndex) => userPart(part, `${at}.content[${partIndex}]`)),
        });
        return;
      }
      case 'assistant': {
        leading = false;
        if (message.audio) {
          throw invalidRequest(
            'Assistant audio references cannot be replayed through the Responses API.',
            `${at}.audio`,
            'unsupported_parameter',
          );
        }
        const assistantItem = assistantContent(message.content, message.refusal);
        if (assistantItem) input.push(assistantItem);
        for (const call of message.tool_calls ?? []) {
          callKinds.set(call.id, call.type);
          input.push(toolCallItem(call));
        }
        if (message.function_call) {
          // Legacy calls carry no id: mint one that pairs the call with its `function` result.
          const { name, arguments: args } = message.function_call;
          const callId = `call_legacy_${index}`;
          pendingLegacyCalls.push({ name, callId });
          input.push({ type: 'function_call', call_id: callId, name, arguments: args });
        }
        return;
      }
      case 'tool': {
        leading = false;
        const kind = callKinds.get(message.tool_call_id);
        if (kind === undefined) {
          throw invalidRequest(
            `A 'tool' message must answer a tool call of an earlier assistant message; ` +
              `none has id '${message.tool_call_id}'.`,
            `${at}.tool_call_id`,
          );
        }
        const output = typeof message.content === 'string' ? message.content : inputTextParts(message.content);
        input.push({
          type: kind === 'custom' ? 'custom_tool_call_output' : 'function_call_output',
          call_id: message.tool_call_id,
          output,
        });
        return;
      }
      case 'function': {
        leading = false;
        const pendingIndex = pendingLegacyCalls.findIndex((call) => call.name === message.name);
        if (pendingIndex < 0) {
          throw invalidRequest(
            `A 'function' message must follow an assistant message whose function_call named '${message.name}'.`,
            `${at}.name`,
          );
        }
        const [call] = pendingLegacyCalls.splice(pendingIndex, 1);
        input.push({ type: 'function_call_output', call_id: call!.callId, output: message.content ?? '' });
        return;
      }
      default:
        return message satisfies never;
    }
  };

  const origins: number[] = [];
  for (let index = 0; index < messages.length; index++) {
    if (index > 0 && index % MESSAGES_PER_SLICE === 0) yield;
    translateMessage(messages[index]!, index);
    while (origins.length < input.length) origins.push(index);
  }

  return {
    instructions: instructionTexts.length > 0 ? instructionTexts.join('\n\n') : undefined,
    instructionsRole,
    input,
    origins,
  };
}

function toolCallItem(call: ChatToolCallInput): FunctionCallItem | CustomToolCallItem {
  return call.type === 'function'
    ? { type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments }
    : { type: 'custom_tool_call', call_id: call.id, name: call.custom.name, input: call.custom.input };
}

function joinText(content: TextLike): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function textParts(content: TextLike): string | InputTextPart[] {
  return typeof content === 'string' ? content : inputTextParts(content);
}

function inputTextParts(content: Exclude<TextLike, string>): InputTextPart[] {
  return content.map((part) => withBreakpoint({ type: 'input_text', text: part.text }, part.prompt_cache_breakpoint));
}

function withBreakpoint<Part extends InputContentPart>(part: Part, breakpoint: unknown): Part {
  return breakpoint === undefined ? part : { ...part, prompt_cache_breakpoint: breakpoint };
}

function userPart(part: ChatUserContentPart, at: string): InputContentPart {
  switch (part.type) {
    case 'text':
      return inputTextParts([part])[0]!;
    case 'image_url': {
      const { url, detail } = part.image_url;
      const image: InputImagePart = { type: 'input_image', image_url: url, detail: detail ?? 'auto' };
      return withBreakpoint(image, part.prompt_cache_breakpoint);
    }
    case 'file': {
      const file: InputFilePart = { type: 'input_file' };
      if (part.file.file_id != null) file.file_id = part.file.file_id;
      if (part.file.file_data != null) file.file_data = part.file.file_data;
      if (part.file.filename != null) file.filename = part.file.filename;
      return withBreakpoint(file, part.prompt_cache_breakpoint);
    }
    case 'input_audio':
      throw invalidRequest(
        'Audio input parts are not accepted by the Responses API; send a transcript or a file instead.',
        at,
        'unsupported_parameter',
      );
    default:
      return part satisfies never;
  }
}

function assistantContent(
  content: string | Array<{ type: 'text'; text: string } | { type: 'refusal'; refusal: string }> | null | undefined,
  refusal: string | null | undefined,
): AssistantMessageItem | undefined {
  const parts: Array<OutputTextPart | RefusalPart> = [];
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'output_text', text: content, annotations: [] });
  } else {
    for (const part of content ?? []) {
      if (part.type === 'text') {
        if (part.text !== '') parts.push({ type: 'output_text', text: part.text, annotations: [] });
      } else {
        parts.push({ type: 'refusal', refusal: part.refusal });
      }
    }
  }
  if (refusal) parts.push({ type: 'refusal', refusal });
  if (parts.length === 0) return undefined;
  // The plain-string form is the one every upstream accepts; parts are needed only for refusals.
  if (parts.every((part) => part.type === 'output_text')) {
    return { type: 'message', role: 'assistant', content: parts.map((part) => (part as OutputTextPart).text).join('') };
  }
  return { type: 'message', role: 'assistant', content: parts };
}
