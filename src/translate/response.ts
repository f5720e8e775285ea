import { HttpError } from '../http/errors.js';
import type {
  ChatChoice,
  ChatCompletion,
  ChatMessage,
  ChatTokenLogprob,
  ChatToolCall,
  ChatUrlCitation,
} from '../types/chat.js';
import type { UpstreamOutputItem, UpstreamResponse } from '../types/responses.js';
import { toChatAnnotation } from './annotations.js';
import { upstreamFailure } from './failure.js';
import { toFinishReason } from './finish-reason.js';
import { logprobsWithin, toChatLogprob } from './logprobs.js';
import type { ChatContext } from './request.js';
import { findStop } from './stop-sequences.js';
import { sumChatUsage, toChatUsage } from './usage.js';

/** Put between the texts of two message items (e.g. `phase: commentary` then the final answer). */
export const MESSAGE_SEPARATOR = '\n\n';

export interface ResponseTranslationOptions {
  /** Surface reasoning summaries as `message.reasoning_content`. */
  reasoningContent: boolean;
}

/** `chatcmpl-` id derived from the upstream response id, so the two can be matched in logs. */
export function completionId(responseId: string | undefined): string {
  return `chatcmpl-${(responseId ?? `${Date.now()}`).replace(/^resp_/, '')}`;
}

/**
 * One finished Responses object to one Chat choice. Throws the client-facing error for `failed`
 * and `cancelled` responses.
 */
export function toChatChoice(
  response: UpstreamResponse,
  context: ChatContext,
  options: ResponseTranslationOptions,
  index = 0,
): ChatChoice {
  assertFinished(response);
  let content = '';
  let hasContent = false;
  let refusal = '';
  let reasoning = '';
  const annotations: ChatUrlCitation[] = [];
  const logprobs: ChatTokenLogprob[] = [];
  const toolCalls: ChatToolCall[] = [];
  let stopped = false;

  for (const item of response.output ?? []) {
    if (stopped) break;
    switch (item.type) {
      case 'message': {
        let itemText = '';
        for (const part of item.content ?? []) {
          if (part.type === 'output_text') {
            const partOffset = content.length + (content !== '' && itemText === '' ? MESSAGE_SEPARATOR.length : 0);
            for (const annotation of part.annotations ?? []) {
              const chat = toChatAnnotation(annotation, partOffset + itemText.length);
              if (chat) annotations.push(chat);
            }
            if (context.logprobs) logprobs.push(...(part.logprobs ?? []).map(toChatLogprob));
            itemText += part.text ?? '';
            hasContent = true;
          } else if (part.type === 'refusal') {
            refusal += part.refusal ?? '';
          }
        }
        if (itemText !== '') content += (content !== '' ? MESSAGE_SEPARATOR : '') + itemText;
        if (context.stop.length > 0) {
          const at = findStop(content, context.stop);
          if (at >= 0) {
            content = content.slice(0, at);
            stopped = true;
          }
        }
        break;
      }
      case 'function_call':
        toolCalls.push({
          id: item.call_id ?? item.id ?? '',
          type: 'function',
          function: { name: item.name ?? '', arguments: item.arguments ?? '' },
        });
        break;
      case 'custom_tool_call':
        toolCalls.push({
          id: item.call_id ?? item.id ?? '',
          type: 'custom',
          custom: { name: item.name ?? '', input: item.input ?? '' },
        });
        break;
      case 'reasoning':
        reasoning += reasoningText(item, reasoning !== '');
        break;
      default:
        // Hosted tool calls (web_search_call, ...) have no Chat counterpart; their results show in the text.
        break;
    }
  }

  const message: ChatMessage = {
    role: 'assistant',
    content: hasContent || (toolCalls.length === 0 && refusal === '') ? content : null,
    refusal: refusal === '' ? null : refusal,
    annotations: stopped ? annotations.filter((a) => a.url_citation.end_index <= content.length) : annotations,
  };
  if (options.reasoningContent && reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) {
    const first = toolCalls[0]!;
    if (context.legacyFunctions && first.type === 'function') message.function_call = first.function;
    else message.tool_calls = toolCalls;
  }
  const finishReason = stopped
    ? 'stop'
    : toFinishReason(response.status, response.incomplete_details?.reason, toolCalls.length > 0, context.legacyFunctions);
  return {
    index,
    message,
    finish_reason: finishReason,
    logprobs: context.logprobs
      ? { content: stopped ? logprobsWithin(logprobs, content.length) : logprobs, refusal: null }
      : null,
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
  const usages = responses.map((response) => toChatUsage(response.usage));
  const usage = usages.length === 1 ? usages[0]! : sumChatUsage(usages);
  return {
    id: completionId(first.id),
    object: 'chat.completion',
    created: first.created_at ?? Math.floor(Date.now() / 1000),
    model: first.model ?? '',
    choices,
    usage,
    service_tier: first.service_tier ?? null,
    system_fingerprint: null,
  };
}

/** Summary text (or raw reasoning text) of a reasoning item. */
function reasoningText(item: UpstreamOutputItem, separate: boolean): string {
  const summaries = (item.summary ?? []).map((part) => part.text ?? '').filter((text) => text !== '');
  const raw = Array.isArray(item.content)
    ? item.content.map((part) => (part.type === 'reasoning_text' ? part.text ?? '' : '')).join('')
    : '';
  const text = summaries.length > 0 ? summaries.join(MESSAGE_SEPARATOR) : raw;
  return text === '' ? '' : (separate ? MESSAGE_SEPARATOR : '') + text;
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
      throw new HttpError(502, 'The upstream response was cancelled before it finished.', { code: 'upstream_cancelled' });
    default:
      throw new HttpError(502, `The upstream response is not finished (status '${response.status}').`, {
        code: 'upstream_protocol_error',
      });
  }
}
