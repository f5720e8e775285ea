import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import { startForAllTests } from '../helpers/per-test.js';
import { startAppOverFakeUpstream } from './app-under-test.js';
import { invalidChatRequest, namesField } from './invalid-arbitraries.js';
import { prototypesArePristine, runs, timeLimit } from './fuzz-runs.js';

function refusal(body: unknown): { status: number; param: unknown } | 'accepted' | 'crashed' {
  try {
    toResponsesRequest(parseChatRequest(body));
    return 'accepted';
  } catch (error) {
    return error instanceof ApiError ? { status: error.status, param: error.param } : 'crashed';
  }
}

const openAIError = {
  error: {
    message: expect.any(String),
    type: 'invalid_request_error',
    param: expect.toSatisfy((param) => param === null || typeof param === 'string'),
    code: expect.toSatisfy((code) => code === null || typeof code === 'string'),
  },
};

describe('invalid Chat requests (property)', () => {
  it('are refused with a 400 naming the broken field', () => {
    fc.assert(
      fc.property(invalidChatRequest, ({ body, param }) => {
        const outcome = refusal(body);
        expect(outcome).toEqual({ status: 400, param: expect.toSatisfy((named) => namesField(named, param)) });
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(2500) },
    );
  }, timeLimit(40_000));

  it('never crash the validator, whatever JSON the body holds', () => {
    const body = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), fc.record({ model: fc.jsonValue(), messages: fc.jsonValue() }));
    fc.assert(
      fc.property(body, (value) => {
        const outcome = refusal(JSON.parse(JSON.stringify(value)));
        expect(outcome === 'accepted' || (outcome !== 'crashed' && outcome.status === 400)).toBe(true);
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(2000) },
    );
  }, timeLimit(20_000));
});

describe('invalid Chat requests over HTTP (property)', () => {
  const running = startForAllTests(startAppOverFakeUpstream);

  it('get a 400 in the OpenAI error shape naming the field, and never reach the upstream', async () => {
    await fc.assert(
      fc.asyncProperty(invalidChatRequest, async ({ text, param }) => {
        const reply = await running().app.post(text);
        const body = (await reply.json()) as { error: { param: unknown } };
        expect({ status: reply.status, body }).toEqual({ status: 400, body: openAIError });
        expect(namesField(body.error.param, param)).toBe(true);
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(500) },
    );
    expect(running().upstream.requests).toEqual([]);
  }, timeLimit(40_000));

  const validText = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hello' }] });
  const encoder = new TextEncoder();
  const notAChatRequest = fc.oneof(
    fc.nat({ max: validText.length - 1 }).map((cut) => encoder.encode(validText.slice(0, cut))),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => bytes[0] !== 0x7b),
    fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)).map((value) => encoder.encode(JSON.stringify(value))),
    // Raw control characters and NUL inside a JSON string are not JSON.
    fc.constantFrom('\u0000', '\u0001', '\n', '\u001f').map((character) => encoder.encode(validText.replace('Hello', `He${character}llo`))),
    fc.constantFrom('\\x41', '\\u12', '\\').map((escape) => encoder.encode(validText.replace('Hello', `Hello${escape}`))),
    fc.integer({ min: 10_000, max: 200_000 }).map((depth) => encoder.encode(`{"model":"m","messages":${'['.repeat(depth)}${']'.repeat(depth)}}`)),
  );

  it('bodies that are not a Chat request at all get a 400 in the OpenAI error shape', async () => {
    await fc.assert(
      fc.asyncProperty(notAChatRequest, async (bytes) => {
        const reply = await running().app.post(bytes);
        expect({ status: reply.status, body: await reply.json() }).toEqual({ status: 400, body: openAIError });
        expect(prototypesArePristine()).toBe(true);
      }),
      { numRuns: runs(300) },
    );
    expect(running().upstream.requests).toEqual([]);
  }, timeLimit(30_000));

  it('keeps serving after all of that', async () => {
    const reply = await running().app.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Still there?' }] });
    expect(reply.status).toBe(200);
  });
});
