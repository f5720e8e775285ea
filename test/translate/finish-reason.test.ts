import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import type { ChatContext } from '../../src/translate/chat-envelope.js';
import { toChatChoice } from '../../src/translate/response.js';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';

const context: ChatContext = { n: 1, stream: false, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false };
const options = { reasoningContent: true };

function thrownBy(action: () => unknown): ApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('finish_reason', () => {
  const toolCall = functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris');
  it.each([
    { name: 'completed text', response: { output: [messageItem('Hi.')] }, legacy: false, expected: 'stop' },
    { name: 'completed with no output', response: { output: [] }, legacy: false, expected: 'stop' },
    {
      name: 'completed with a tool call',
      response: { output: [messageItem('Checking.'), toolCall] },
      legacy: false,
      expected: 'tool_calls',
    },
    { name: 'legacy function call', response: { output: [toolCall] }, legacy: true, expected: 'function_call' },
    {
      name: 'incomplete at max_output_tokens',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [messageItem('Once upon')] },
      legacy: false,
      expected: 'length',
    },
    {
      name: 'incomplete at max_output_tokens inside a tool call',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [toolCall] },
      legacy: false,
      expected: 'length',
    },
    {
      name: 'incomplete by the content filter',
      response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [messageItem('Well')] },
      legacy: false,
      expected: 'content_filter',
    },
  ])('$name -> $expected', ({ response, legacy, expected }) => {
    const choice = toChatChoice(responseObject(response), { ...context, legacyFunctions: legacy }, options);
    expect(choice.finish_reason).toBe(expected);
  });
});

describe('responses that are not a finish', () => {
  it.each([
    {
      name: 'failed: rate limit',
      error: { code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4.1 on tokens per min.' },
      status: 429,
      type: 'rate_limit_error',
    },
    {
      name: 'failed: quota',
      error: { code: 'insufficient_quota', message: 'You exceeded your current quota.' },
      status: 429,
      type: 'insufficient_quota',
    },
    {
      name: 'failed: server error',
      error: { code: 'server_error', message: 'The server had an error.' },
      status: 500,
      type: 'server_error',
    },
    {
      name: 'failed: invalid prompt',
      error: { code: 'invalid_prompt', message: 'Invalid prompt: flagged.' },
      status: 400,
      type: 'invalid_request_error',
    },
    {
      name: 'failed: unknown code',
      error: { code: 'something_new', message: 'Something new went wrong.' },
      status: 500,
      type: 'server_error',
    },
  ])('$name -> $status with the upstream message and code', ({ error, status, type }) => {
    const thrown = thrownBy(() => toChatChoice(responseObject({ status: 'failed', error, output: [] }), context, options));
    const { message, code } = thrown;
    expect({ status: thrown.status, type: thrown.type, message, code }).toEqual({ status, type, ...error });
  });

  it('explains a failure that carries no error', () => {
    const thrown = thrownBy(() => toChatChoice(responseObject({ status: 'failed', error: null, output: [] }), context, options));
    expect(thrown.toBody()).toEqual({
      error: { message: 'The upstream response failed.', type: 'server_error', param: null, code: null },
    });
    expect(thrown.status).toBe(500);
  });

  it.each(['cancelled', 'queued', 'in_progress'])('%s -> 502', (status) => {
    const thrown = thrownBy(() => toChatChoice(responseObject({ status, output: [], usage: null }), context, options));
    expect(thrown.status).toBe(502);
    expect(thrown.type).toBe('server_error');
  });
});
