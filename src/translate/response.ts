import { UpstreamProtocolError } from '../errors.js';
import type { ChatChoice, ChatCompletion, ChatMessage, ChatToolCall, ChatUrlCitation, ServiceTier } from '../types/chat.js';
import type { UpstreamOutputItem, UpstreamResponse } from '../types/responses-upstream.js';
import { toChatAnnotation } from './annotations.js';
import { cleanResponse } from './lenient.js';
import { upstreamFailure } from './failure.js';
import { toFinishReason } from './finish-reason.js';
import { placeLogprobs, type PlacedLogprob } from './logprobs.js';
import { completionId, MESSAGE_SEPARATOR, type ChatContext, type ResponseTranslationOptions } from './chat-envelope.js';
import { findStop } from './stop-sequences.js';
import { sumChatUsage, toChatUsage } from './usage.js';


/** Everything the output items say, gathered in output order. */
interface Answer {
  content: string;
  /** An `output_text` part was seen (so the content is a string, possibly empty, not null). */
  hasText: boolean;
  refusal: string;
  reasoning: string;
  annotations: ChatUrlCitation[];
  logprobs: PlacedLogprob[];
  toolCalls: ChatToolCall[];
  /** A stop sequence cut the content; nothing after it counts. */
  stopped: boolean;
}

/**
 * One finished Responses object to one Chat choice. Throws the client-facing error for `failed`,
 * `cancelled` and unfinished responses.
 */
export function toChatChoice(
  response: UpstreamResponse,
  context: ChatContext,
  options: ResponseTranslationOptions,
  index = 0,
): ChatChoice {
  assertFinished(response);
  const answer = readOutput(cleanResponse(response).output ?? [], context);
  const { toolCalls } = answer;

  const message: ChatMessage = {
    role: 'assistant',
    content: answer.hasText || (toolCalls.length === 0 && answer.refusal === '') ? answer.content : null,
    refusal: answer.refusal === '' ? null : answer.refusal,
    annotations: answer.annotations,
  };
  if (options.reasoningContent && answer.reasoning !== '') message[options.reasoningField ?? 'reasoning_content'] = answer.reasoning;
  if (toolCalls.length > 0) {
    const first = toolCalls[0]!;
    if (context.legacyFunctions && first.type === 'function') message.function_call = first.function;
    else message.tool_calls = toolCalls;
  }
  return {
    index,
    message,
    finish_reason: answer.stopped
      ? 'stop'
      : toFinishReason(response.status, response.incomplete_details?.reason, toolCalls.length > 0, context.legacyFunctions),
    logprobs: context.logprobs ? { content: answer.logprobs.map((placed) => placed.logprob), refusal: null } : null,
  };
}

/** A finished Responses object to a `chat.completion` with one choice. */
export function toChatCompletion(
  response: UpstreamResponse,
  context: ChatContext,
  options: ResponseTranslationOptions,
): ChatCompletion {
  return assembleCompletion([response], [toChatChoice(response, context, options)]);
}

/** Builds the completion from one or more upstream responses (one per choice when `n` > 1). */
export function assembleCompletion(responses: UpstreamResponse[], choices: ChatChoice[]): ChatCompletion {
  const first = responses[0]!;
  const usage = sumChatUsage(responses.map((response) => toChatUsage(response.usage)));
  return {
    id: completionId(first.id),
    object: 'chat.completion',
    created: first.created_at ?? Math.floor(Date.now() / 1000),
    model: first.model ?? '',
    choices,
    usage,
    service_tier: (first.service_tier ?? null) as ServiceTier | null,
  };
}

function readOutput(output: UpstreamOutputItem[], context: ChatContext): Answer {
  const answer: Answer = {
    content: '',
    hasText: false,
    refusal: '',
    reasoning: '',
    annotations: [],
    logprobs: [],
    toolCalls: [],
    stopped: false,
  };
  for (const item of output) {
    switch (item.type) {
      case 'message': {
        readMessage(answer, item, context.logprobs);
        const cut = findStop(answer.content, context.stop);
        if (cut >= 0) {
          cutAt(answer, cut);
          return answer;
        }
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
        answer.toolCalls.push(toChatToolCall(item));
        break;
      case 'reasoning': {
        const text = reasoningText(item);
        if (text !== '') answer.reasoning += (answer.reasoning !== '' ? MESSAGE_SEPARATOR : '') + text;
        break;
      }
      default:
        // Hosted tool calls (web_search_call, ...) have no Chat counterpart; their results show in the text.
        break;
    }
  }
  return answer;
}

/** A function or custom tool call item as a Chat tool call: its id is the `call_id`, never the item id. */
function toChatToolCall(item: UpstreamOutputItem): ChatToolCall {
  const id = item.call_id ?? item.id ?? '';
  const name = item.name ?? '';
  return item.type === 'custom_tool_call'
    ? { id, type: 'custom', custom: { name, input: item.input ?? '' } }
    : { id, type: 'function', function: { name, arguments: item.arguments ?? '' } };
}

/** Appends one message item's text (after a separator), annotations, logprobs and refusal. */
function readMessage(answer: Answer, item: UpstreamOutputItem, withLogprobs: boolean): void {
  const parts = item.content ?? [];
  const text = parts.map((part) => (part.type === 'output_text' ? part.text ?? '' : '')).join('');
  if (text !== '' && answer.content !== '') answer.content += MESSAGE_SEPARATOR;
  // Annotation and logprob positions are relative to their own part; move them to the joined content.
  let offset = answer.content.length;
  for (const part of parts) {
    if (part.type === 'output_text') {
      answer.hasText = true;
      for (const annotation of part.annotations ?? []) {
        const chat = toChatAnnotation(annotation, offset);
        if (chat) answer.annotations.push(chat);
      }
      if (withLogprobs) answer.logprobs.push(...placeLogprobs(part.logprobs ?? [], offset));
      offset += (part.text ?? '').length;
    } else if (part.type === 'refusal') {
      answer.refusal += part.refusal ?? '';
    }
  }
  answer.content += text;
}

/** Ends the content before a stop sequence: citations and tokens reaching past the cut go with it. */
function cutAt(answer: Answer, cut: number): void {
  answer.content = answer.content.slice(0, cut);
  answer.annotations = answer.annotations.filter((annotation) => annotation.url_citation.end_index <= cut);
  answer.logprobs = answer.logprobs.filter((placed) => placed.end <= cut);
  answer.stopped = true;
}

/** Summary text of a reasoning item, or its raw reasoning text when it has no summary. */
function reasoningText(item: UpstreamOutputItem): string {
  const summaries = (item.summary ?? []).map((part) => part.text ?? '').filter((text) => text !== '');
  if (summaries.length > 0) return summaries.join(MESSAGE_SEPARATOR);
  if (!Array.isArray(item.content)) return '';
  return item.content.map((part) => (part.type === 'reasoning_text' ? part.text ?? '' : '')).join('');
}

function assertFinished(response: UpstreamResponse): void {
  switch (response.status) {
    case 'completed':
    case 'incomplete':
    case undefined:
      return;
    case 'failed':
      throw upstreamFailure(response.error, 'The upstream response failed.');
    case 'cancelled':
      throw new UpstreamProtocolError('The upstream response was cancelled before it finished.', 'upstream_cancelled');
    default:
      throw new UpstreamProtocolError(`The upstream response is not finished (status '${response.status}').`, 'upstream_protocol_error');
  }
}
