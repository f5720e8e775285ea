/**
 * The input of a stored Response (its `instructions` and input items) back to the Chat messages
 * that made it, as `GET /chat/completions/{id}/messages` lists them. The reverse of messages.ts:
 * an assistant message and the tool calls after it are one Chat message again, tool outputs are
 * `tool` messages, legacy function calls (`call_legacy_N`) are `function_call` and `function`
 * messages. Replayed reasoning and item references have no Chat form and are left out. Pure.
 */
import type { ChatToolCall } from '../types/chat.js';

type Item = Record<string, unknown>;

export type StoreMessagePart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'file'; file: { file_id?: string; file_data?: string; filename?: string } };

/** `ChatCompletionStoreMessage`: a Chat message with its id, `content_parts` when parts were sent. */
export interface StoreMessage {
  id: string;
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content: string | null;
  name: string | null;
  content_parts: StoreMessagePart[] | null;
  refusal?: string | null;
  tool_calls?: ChatToolCall[];
  function_call?: { name: string; arguments: string };
  tool_call_id?: string;
}

/** What messages.ts names the call id of a legacy `function_call` (the Chat API gave it none). */
const LEGACY_CALL = /^call_legacy_\d+$/;

/**
 * The Chat messages of a stored completion, in conversation order, with ids `<chat id>-<position>`
 * (the form the Chat Completions API uses). Leading system/developer messages were joined into one
 * `instructions` text upstream: they come back as one message, in the role the first one had.
 */
export function toStoreMessages(chatId: string, instructions: unknown, instructionsRole: 'system' | 'developer', items: readonly Item[]): StoreMessage[] {
  const messages: Array<Omit<StoreMessage, 'id'>> = [];
  const instructionText = typeof instructions === 'string' ? instructions : Array.isArray(instructions) ? textOf(instructionItemsText(instructions)) : '';
  if (instructionText !== '') messages.push(plain(instructionsRole, instructionText));
  // The assistant message that tool calls directly after it belong to.
  let assistant: Omit<StoreMessage, 'id'> | undefined;
  const legacyNames = new Map<string, string>();
  for (const item of items) {
    const type = item.type ?? 'message';
    if (type === 'function_call' || type === 'custom_tool_call') {
      assistant ??= pushed(messages, { role: 'assistant', content: null, name: null, content_parts: null, refusal: null });
      const callId = stringField(item.call_id);
      const name = stringField(item.name);
      if (type === 'function_call' && LEGACY_CALL.test(callId)) {
        legacyNames.set(callId, name);
        assistant.function_call = { name, arguments: stringField(item.arguments) };
      } else {
        const call: ChatToolCall =
          type === 'custom_tool_call'
            ? { id: callId, type: 'custom', custom: { name, input: stringField(item.input) } }
            : { id: callId, type: 'function', function: { name, arguments: stringField(item.arguments) } };
        (assistant.tool_calls ??= []).push(call);
      }
      continue;
    }
    assistant = undefined;
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const callId = stringField(item.call_id);
      const content = typeof item.output === 'string' ? item.output : textOf(partsOf(item.output));
      const legacyName = legacyNames.get(callId);
      if (legacyName !== undefined) messages.push({ role: 'function', content, name: legacyName, content_parts: null });
      else messages.push({ role: 'tool', content, name: null, content_parts: null, tool_call_id: callId });
      continue;
    }
    if (type !== 'message') continue; // reasoning, item references: no Chat form
    const role = item.role;
    if (role === 'assistant') {
      const parts = partsOf(item.content);
      const refusal = parts.filter((part) => part.type === 'refusal').map((part) => stringField(part.refusal)).join('');
      const text = typeof item.content === 'string' ? item.content : textOf(parts);
      const hasText = typeof item.content === 'string' || parts.some((part) => part.type === 'output_text');
      assistant = pushed(messages, { role: 'assistant', content: hasText ? text : null, name: null, content_parts: null, refusal: refusal === '' ? null : refusal });
    } else if (role === 'user' || role === 'system' || role === 'developer') {
      messages.push(inputMessage(role, item.content));
    }
  }
  return messages.map((message, position) => ({ id: `${chatId}-${position}`, ...message }));
}

function inputMessage(role: 'user' | 'system' | 'developer', content: unknown): Omit<StoreMessage, 'id'> {
  if (typeof content === 'string') return plain(role, content);
  const parts = partsOf(content);
  // The upstream lists a plain-text message as one text part: that is how it was most likely sent.
  if (parts.length === 1 && parts[0]!.type === 'input_text') return plain(role, stringField(parts[0]!.text));
  const chatParts = parts.map(chatPart).filter((part) => part !== undefined);
  return { role, content: textOf(parts), name: null, content_parts: chatParts };
}

function chatPart(part: Item): StoreMessagePart | undefined {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: stringField(part.text) };
    case 'input_image': {
      const image: { url: string; detail?: string } = { url: stringField(part.image_url) };
      if (typeof part.detail === 'string') image.detail = part.detail;
      return { type: 'image_url', image_url: image };
    }
    case 'input_file': {
      const file: { file_id?: string; file_data?: string; filename?: string } = {};
      for (const key of ['file_id', 'file_data', 'filename'] as const) if (typeof part[key] === 'string') file[key] = part[key];
      return { type: 'file', file };
    }
    default:
      return undefined;
  }
}

function plain(role: StoreMessage['role'], content: string): Omit<StoreMessage, 'id'> {
  return { role, content, name: null, content_parts: null };
}

function pushed<T>(list: T[], value: T): T {
  list.push(value);
  return value;
}

function partsOf(content: unknown): Item[] {
  return Array.isArray(content) ? content.filter((part): part is Item => typeof part === 'object' && part !== null) : [];
}

/** The text parts of a message joined, as the Chat API shows `content` next to `content_parts`. */
function textOf(parts: readonly Item[]): string {
  return parts.map((part) => (part.type === 'input_text' || part.type === 'output_text' ? stringField(part.text) : '')).join('');
}

/** `instructions` as an item list (a prompt template): the text of its messages. */
function instructionItemsText(items: unknown[]): Item[] {
  return items.flatMap((item) => (typeof item === 'object' && item !== null ? partsOf((item as Item).content) : []));
}

function stringField(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
