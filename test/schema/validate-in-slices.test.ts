import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest, parseChatRequestSteps } from '../../src/schema/validate.js';
import { runAtOnce } from '../../src/yielding.js';
import { validChatRequest } from '../reliability/chat-arbitraries.js';
import { runs } from '../reliability/fuzz-runs.js';
import { invalidChatRequest } from '../reliability/invalid-arbitraries.js';

type Json = Record<string, any>;

/** The request validated, or the 400 it got. */
function outcome(validate: () => unknown): unknown {
  try {
    return { data: validate() };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, message: error.message, param: error.param, code: error.code };
  }
}

const atOnce = (body: unknown) => outcome(() => parseChatRequest(body));
/** One message per slice: every list of two or more is validated in slices. */
const inSlices = (body: unknown) => outcome(() => runAtOnce(parseChatRequestSteps(body, 1)));

/** Several faults at once, so the one reported first must be the same both ways. */
const faults: Array<(body: Json, index: number) => void> = [
  (body) => void (body.model = 7),
  (body, index) => void (body.messages[index % body.messages.length].role = 'robot'),
  (body, index) => void (body.messages[index % body.messages.length].content = 42),
  (body, index) => void (body.messages[index % body.messages.length].extra = true),
  (body) => void (body.stream = 'yes'),
  (body) => void (body.surprise = 1),
  (body) => void (body.temperature = 9),
  (body) => void (body.metadata = JSON.parse('{"__proto__":"x"}')),
];

describe('validation in slices', () => {
  it('gives the same request as validating at once (property)', () => {
    fc.assert(
      fc.property(validChatRequest, (chat) => {
        const body = JSON.parse(JSON.stringify(chat));
        expect(inSlices(body)).toEqual(atOnce(body));
      }),
      { numRuns: runs(800) },
    );
  });

  it('gives the same 400 as validating at once (property)', () => {
    fc.assert(
      fc.property(invalidChatRequest, ({ body }) => {
        expect(inSlices(body)).toEqual(atOnce(body));
      }),
      { numRuns: runs(800) },
    );
  });

  it('reports the same fault first when there are several (property)', () => {
    const broken = fc.tuple(validChatRequest, fc.subarray(faults.map((_, index) => index), { minLength: 2 }), fc.nat());
    fc.assert(
      fc.property(broken, ([chat, chosen, at]) => {
        const body = JSON.parse(JSON.stringify(chat));
        body.messages.push({ role: 'user', content: 'padding' }, { role: 'user', content: 'padding' });
        for (const fault of chosen) faults[fault]!(body, at);
        expect(inSlices(body)).toEqual(atOnce(body));
      }),
      { numRuns: runs(800) },
    );
  });
});
