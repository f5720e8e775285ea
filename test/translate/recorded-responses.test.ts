import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import type { ChatContext } from '../../src/translate/chat-envelope.js';
import { toChatChoice, toChatCompletion } from '../../src/translate/response.js';
import { hasSharedFixtures, recordedJsonResponses, recordedStreams } from '../helpers/recorded-fixtures.js';

const context: ChatContext = { n: 1, stream: false, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false };
const options = { reasoningContent: true };

/** What a reader of the recording sees: the text of every message, messages apart by a blank line. */
function recordedText(response: any): string | null {
  const messages = response.output.filter((item: any) => item.type === 'message');
  if (messages.length === 0) return null;
  return messages
    .map((item: any) => item.content.filter((part: any) => part.type === 'output_text').map((part: any) => part.text).join(''))
    .filter((text: string) => text !== '')
    .join('\n\n');
}

function recordedCallIds(response: any): string[] {
  return response.output
    .filter((item: any) => item.type === 'function_call' || item.type === 'custom_tool_call')
    .map((item: any) => item.call_id);
}

function recordedSummary(response: any): string | undefined {
  const texts = response.output
    .filter((item: any) => item.type === 'reasoning')
    .flatMap((item: any) => item.summary.map((part: any) => part.text));
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

/** The text each recorded url_citation points at, read from its own part. */
function recordedCitedTexts(response: any): string[] {
  return response.output
    .flatMap((item: any) => (item.type === 'message' ? item.content : []))
    .flatMap((part: any) =>
      (part.annotations ?? [])
        .filter((annotation: any) => annotation.type === 'url_citation')
        .map((annotation: any) => part.text.slice(annotation.start_index, annotation.end_index)),
    );
}

/** The Chat usage numbers the recorded upstream usage stands for (cache writes only where recorded). */
function recordedUsage(usage: any) {
  const promptDetails: Record<string, number> = { cached_tokens: usage.input_tokens_details.cached_tokens };
  if ('cache_write_tokens' in usage.input_tokens_details) {
    promptDetails.cache_write_tokens = usage.input_tokens_details.cache_write_tokens;
  }
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details.reasoning_tokens },
  };
}

function errorFrom(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe.skipIf(!hasSharedFixtures)('recorded non-stream responses', () => {
  const finishReasons: Record<string, string> = {
    'background-poll-get.pydantic-ai.yaml#2': 'stop',
    'incomplete-max-output-tokens.openai-dotnet.json#0': 'length',
    'json-schema-output.openai-dotnet.json#0': 'stop',
    'parallel-function-calls-and-outputs.pydantic-ai.yaml#0': 'tool_calls',
    'parallel-function-calls-and-outputs.pydantic-ai.yaml#1': 'stop',
    'reasoning-summary-nonstream.pydantic-ai.yaml#0': 'stop',
    'retrieve-delete-then-404.openai-dotnet.json#0': 'stop',
    'retrieve-delete-then-404.openai-dotnet.json#1': 'stop',
    'store-false-then-retrieve-404.openai-dotnet.json#0': 'stop',
  };
  const responses = recordedJsonResponses().filter((reply) => reply.json?.object === 'response');
  const finished = responses.filter((reply) => ['completed', 'incomplete'].includes(reply.json.status));
  const unfinished = responses.filter((reply) => !['completed', 'incomplete'].includes(reply.json.status));

  it('covers every finished recording', () => {
    expect(finished.map((reply) => `${reply.name}#${reply.interactionIndex}`).sort()).toEqual(Object.keys(finishReasons).sort());
  });

  it.each(finished.map((reply) => [`${reply.name}#${reply.interactionIndex}`, reply.json] as const))('%s', (key, response) => {
    const completion = toChatCompletion(response, context, options);
    const choice = completion.choices[0]!;
    expect({
      finish: choice.finish_reason,
      content: choice.message.content,
      callIds: (choice.message.tool_calls ?? []).map((call) => call.id),
      reasoning: choice.message.reasoning_content,
      model: completion.model,
      created: completion.created,
    }).toEqual({
      finish: finishReasons[key],
      content: recordedText(response),
      callIds: recordedCallIds(response),
      reasoning: recordedSummary(response),
      model: response.model,
      created: response.created_at,
    });
    expect(completion.usage).toMatchObject(recordedUsage(response.usage));
  });

  it.each(unfinished.map((reply) => [`${reply.name}#${reply.interactionIndex} (${reply.json.status})`, reply.json] as const))(
    '%s is a 502, not an empty answer',
    (_key, response) => {
      const thrown = errorFrom(() => toChatChoice(response, context, options));
      expect(thrown).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).status).toBe(502);
    },
  );
});

describe.skipIf(!hasSharedFixtures)('terminal responses of recorded streams', () => {
  const terminals = recordedStreams().flatMap((stream) =>
    stream.events
      .filter((event) => event.type === 'response.completed' || event.type === 'response.failed')
      .map((event) => [`${stream.name}#${stream.interactionIndex}`, event.type, event.response] as const),
  );
  const completed = terminals.filter(([, type]) => type === 'response.completed');

  it.each(completed)('%s translates like its output', (_key, _type, response) => {
    const completion = toChatCompletion(response, { ...context, logprobs: true }, options);
    const { message, logprobs } = completion.choices[0]!;
    expect({
      content: message.content,
      callIds: (message.tool_calls ?? []).map((call) => call.id),
      reasoning: message.reasoning_content,
      citedTexts: message.annotations.map(({ url_citation: cited }) => message.content?.slice(cited.start_index, cited.end_index)),
    }).toEqual({
      content: recordedText(response),
      callIds: recordedCallIds(response),
      reasoning: recordedSummary(response),
      citedTexts: recordedCitedTexts(response),
    });
    expect(completion.usage).toMatchObject(recordedUsage(response.usage));
    // Logprobs were asked for: where the recording has them, their tokens spell the content.
    const tokens = logprobs?.content ?? [];
    if (tokens.length > 0) expect(tokens.map((token) => token.token).join('')).toBe(message.content);
  });

  it('has recordings with tool calls, citations and logprobs to check', () => {
    const outputs = completed.map(([, , response]) => JSON.stringify(response.output));
    expect(outputs.some((output) => output.includes('"call_id"'))).toBe(true);
    expect(outputs.some((output) => output.includes('"url_citation"'))).toBe(true);
    expect(outputs.some((output) => output.includes('"top_logprobs"'))).toBe(true);
  });

  it('turns the recorded quota failure into a 429 with the upstream message', () => {
    const failed = terminals.filter(([, type]) => type === 'response.failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const [, , response] of failed) {
      const thrown = errorFrom(() => toChatChoice(response, context, options)) as ApiError;
      expect({ status: thrown.status, code: thrown.code, message: thrown.message }).toEqual({
        status: 429,
        code: response.error.code,
        message: response.error.message,
      });
    }
  });
});
