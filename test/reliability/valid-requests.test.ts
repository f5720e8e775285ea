import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import { postToFake } from '../helpers/accepted-by-fake.js';
import { startForAllTests } from '../helpers/per-test.js';
import { startAppOverFakeUpstream } from './app-under-test.js';
import { toolCallCount, validChatRequest } from './chat-arbitraries.js';
import { prototypesArePristine, runs, timeLimit } from './fuzz-runs.js';

/** Top-level fields of a Responses create request (REFERENCE §3). */
const RESPONSES_PARAMETERS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens', 'max_tool_calls',
  'temperature', 'top_p', 'top_logprobs', 'text', 'reasoning', 'include', 'previous_response_id', 'conversation', 'store',
  'background', 'stream', 'stream_options', 'truncation', 'metadata', 'user', 'safety_identifier', 'prompt_cache_key',
  'prompt_cache_retention', 'prompt_cache_options', 'service_tier', 'prompt', 'moderation', 'context_management',
]);

/** Chat's nesting, which the Responses API answers with `Unknown parameter` (REFERENCE §3.1-3.2). */
const CHAT_SHAPED_KEYS = ['function', 'custom', 'allowed_tools', 'json_schema'];

type Json = Record<string, any>;

/** A Chat request as the app receives it: what survives JSON on the wire. */
const overTheWire = (request: Json): Json => JSON.parse(JSON.stringify(request));

function translate(chat: Json): Json {
  return overTheWire(toResponsesRequest(parseChatRequest(overTheWire(chat))).request);
}

describe('valid Chat requests (property)', () => {
  it('translate into flat Responses requests that keep every tool call and answer', () => {
    fc.assert(
      fc.property(validChatRequest, (chat) => {
        const request = translate(chat);
        const input: Json[] = request.input;
        const callIdsBefore = (end: number) =>
          input.slice(0, end).filter((item) => item.type === 'function_call' || item.type === 'custom_tool_call').map((item) => item.call_id);
        const outputs = input.filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output');

        expect(Object.keys(request).filter((key) => !RESPONSES_PARAMETERS.has(key))).toEqual([]);
        expect(request.model).toBe(chat.model);
        expect(request.store).toBe(chat.store === true);
        expect(callIdsBefore(input.length)).toHaveLength(toolCallCount(chat));
        for (const output of outputs) expect(callIdsBefore(input.indexOf(output))).toContain(output.call_id);
        for (const tool of request.tools ?? []) expect(tool.type === 'web_search' || (typeof tool.name === 'string' && !('function' in tool))).toBe(true);
        const choice = request.tool_choice;
        for (const entry of typeof choice === 'object' ? [choice, ...(choice.tools ?? [])] : []) {
          expect(Object.keys(entry).filter((key) => CHAT_SHAPED_KEYS.includes(key))).toEqual([]);
        }
        expect(Object.keys(request.text?.format ?? {}).filter((key) => CHAT_SHAPED_KEYS.includes(key))).toEqual([]);
        expect(input.filter((item) => item.role === 'tool' || item.role === 'function' || 'tool_calls' in item)).toEqual([]);
        if (request.max_output_tokens !== undefined) expect(request.max_output_tokens).toBeGreaterThanOrEqual(16);
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(2500) },
    );
  }, timeLimit(30_000));
});

describe('valid Chat requests over HTTP (property)', () => {
  const running = startForAllTests(startAppOverFakeUpstream);

  it('translate into requests the fake upstream accepts as the real API would', async () => {
    await fc.assert(
      fc.asyncProperty(validChatRequest, async (chat) => {
        const request = translate(chat);
        // The fake answers streams too; only its verdict on the request matters here.
        const reply = await postToFake(running().upstream, { ...request, stream: false });
        const body = JSON.parse(reply.text) as { error: unknown };
        expect({ status: reply.status, error: body.error }).toEqual({ status: 200, error: null });
      }),
      { numRuns: runs(400) },
    );
  }, timeLimit(30_000));

  it('are answered by the app with a completion or a finished stream', async () => {
    await fc.assert(
      fc.asyncProperty(validChatRequest, async (chat) => {
        const reply = await running().app.post(chat);
        const text = await reply.text();
        expect({ status: reply.status, text: reply.status === 200 ? '' : text }).toEqual({ status: 200, text: '' });
        const choices = Number(chat.n ?? 1);
        if (chat.stream === true) {
          expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
          const finishes = text.match(/"finish_reason":"[a-z_]+"/g) ?? [];
          expect(finishes).toHaveLength(choices);
        } else {
          const completion = JSON.parse(text);
          expect(completion.object).toBe('chat.completion');
          expect(completion.choices.map((choice: Json) => choice.index)).toEqual([...Array(choices).keys()]);
        }
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  }, timeLimit(45_000));
});
