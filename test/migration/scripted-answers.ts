/**
 * Answers scripted once and spoken by both fakes: as a Chat Completions reply (JSON or a chunk
 * stream) for the Chat fake, and as a Responses reply for the fake upstream behind the adapter.
 * A replay test states "the Chat path says X, the Responses path says Y" and nothing about wire shapes.
 */
import { functionCallItem, functionCallStreamEvents, messageItem, responseObject, textStreamEvents, type Reply } from '../../tools/fake-upstream/index.js';
import { responsesUsage } from '../helpers/usage-objects.js';

export interface ScriptedAnswer {
  text?: string;
  refusal?: string;
  toolCalls?: Array<{ name: string; arguments: string }>;
  /** Cut short by max tokens: `length` on Chat, `incomplete` on Responses. */
  truncated?: boolean;
  /** [prompt tokens, completion tokens]; default [20, 10]. */
  usage?: [number, number];
  error?: { status: number; message: string; code?: string };
  delayMs?: number;
}

/** Each path's answer to one request; `choices` gives one answer per choice when `n` > 1. */
export interface Scenario {
  chat: ScriptedAnswer | ScriptedAnswer[];
  responses: ScriptedAnswer;
}

export interface ChatReply {
  status: number;
  contentType: string;
  body: string;
  delayMs?: number;
}

function finishReason(answer: ScriptedAnswer): string {
  if (answer.truncated) return 'length';
  return (answer.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop';
}

function chatUsage(answer: ScriptedAnswer) {
  const [prompt, completion] = answer.usage ?? [20, 10];
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function callId(choice: number, index: number): string {
  return `call_${choice}_${index}_scripted`;
}

function chatMessage(answer: ScriptedAnswer, choice: number) {
  const toolCalls = (answer.toolCalls ?? []).map((call, index) => ({
    id: callId(choice, index),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    role: 'assistant',
    content: answer.text ?? null,
    refusal: answer.refusal ?? null,
    annotations: [],
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

/** Text in pieces of about `size` characters (by code point, so no surrogate pair is split). */
export function pieces(text: string, size = 6): string[] {
  const characters = [...text];
  const parts: string[] = [];
  for (let start = 0; start < characters.length; start += size) parts.push(characters.slice(start, start + size).join(''));
  return parts;
}

function chatChunks(answers: ScriptedAnswer[], model: string, includeUsage: boolean): unknown[] {
  const envelope = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1767225600, model, ...(includeUsage ? { usage: null } : {}) };
  const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null) => ({
    ...envelope,
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
  });
  const chunks: unknown[] = [];
  answers.forEach((answer, index) => {
    chunks.push(chunk(index, { role: 'assistant', content: '', refusal: null }));
    for (const part of pieces(answer.text ?? '')) chunks.push(chunk(index, { content: part }));
    if (answer.refusal) chunks.push(chunk(index, { refusal: answer.refusal }));
    (answer.toolCalls ?? []).forEach((call, callIndex) => {
      chunks.push(chunk(index, { tool_calls: [{ index: callIndex, id: callId(index, callIndex), type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const part of pieces(call.arguments, 8)) chunks.push(chunk(index, { tool_calls: [{ index: callIndex, function: { arguments: part } }] }));
    });
    chunks.push(chunk(index, {}, finishReason(answer)));
  });
  if (includeUsage) {
    const usage = answers.map(chatUsage).reduce((sum, usage) => ({
      prompt_tokens: sum.prompt_tokens + usage.prompt_tokens,
      completion_tokens: sum.completion_tokens + usage.completion_tokens,
      total_tokens: sum.total_tokens + usage.total_tokens,
    }));
    chunks.push({ ...envelope, choices: [], usage });
  }
  return chunks;
}

/** The Chat Completions fake's reply to `request`. */
export function chatReply(answerOrChoices: ScriptedAnswer | ScriptedAnswer[], request: Record<string, any>): ChatReply {
  const answers = Array.isArray(answerOrChoices) ? answerOrChoices : [answerOrChoices];
  const first = answers[0] ?? {};
  if (first.error) {
    const body = { error: { message: first.error.message, type: 'invalid_request_error', param: null, code: first.error.code ?? null } };
    return { status: first.error.status, contentType: 'application/json', body: JSON.stringify(body), delayMs: first.delayMs };
  }
  const model = typeof request.model === 'string' ? `${request.model}-2025-04-14` : 'gpt-test';
  if (request.stream === true) {
    const frames = chatChunks(answers, model, request.stream_options?.include_usage === true).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    return { status: 200, contentType: 'text/event-stream', body: `${frames.join('')}data: [DONE]\n\n`, delayMs: first.delayMs };
  }
  const usage = answers.map(chatUsage).reduce((sum, next) => ({
    prompt_tokens: sum.prompt_tokens + next.prompt_tokens,
    completion_tokens: sum.completion_tokens + next.completion_tokens,
    total_tokens: sum.total_tokens + next.total_tokens,
  }));
  const completion = {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: 1767225600,
    model,
    choices: answers.map((answer, index) => ({ index, message: chatMessage(answer, index), logprobs: null, finish_reason: finishReason(answer) })),
    usage,
  };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(completion), delayMs: first.delayMs };
}

/** The fake Responses upstream's reply (the adapter translates it back to Chat). */
export function responsesReply(answer: ScriptedAnswer, request: Record<string, any>): Reply {
  if (answer.error) {
    const body = { error: { message: answer.error.message, type: 'server_error', param: null, code: answer.error.code ?? null } };
    return { kind: 'json', status: answer.error.status, body, delayMs: answer.delayMs };
  }
  const output: Array<Record<string, any>> = [];
  if (answer.text !== undefined) output.push(messageItem(answer.text));
  if (answer.refusal !== undefined) output.push(messageItem('', { content: [{ type: 'refusal', refusal: answer.refusal }] }));
  (answer.toolCalls ?? []).forEach((call, index) => output.push(functionCallItem(call.name, call.arguments, callId(0, index))));
  const [input, outputTokens] = answer.usage ?? [20, 10];
  const response = responseObject({
    model: typeof request.model === 'string' ? `${request.model}-2025-04-14` : 'gpt-test',
    output,
    usage: responsesUsage(input, outputTokens),
    ...(answer.truncated ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } : {}),
  });
  if (request.stream !== true) return { kind: 'json', body: response, delayMs: answer.delayMs };
  const events = answer.text ? textStreamEvents(response, pieces(answer.text)) : functionCallStreamEvents(response, []);
  return { kind: 'stream', events, delayMs: answer.delayMs ? Math.ceil(answer.delayMs / events.length) : undefined };
}
