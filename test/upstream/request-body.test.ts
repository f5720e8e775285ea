import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import type { ResponsesRequest } from '../../src/types/responses.js';
import { ITEMS_PER_SLICE, requestBody, requestBodySteps } from '../../src/upstream/request-body.js';
import { runAtOnce } from '../../src/yielding.js';
import { validChatRequest } from '../reliability/chat-arbitraries.js';
import { runs } from '../reliability/fuzz-runs.js';

const inSlices = (request: ResponsesRequest, perSlice: number) => runAtOnce(requestBodySteps(request, perSlice)).toString('utf8');

describe('the upstream request body in slices', () => {
  it('is the bytes of JSON.stringify, for any translated request (property)', () => {
    fc.assert(
      fc.property(validChatRequest, fc.integer({ min: 1, max: 3 }), (chat, perSlice) => {
        const { request } = toResponsesRequest(parseChatRequest(JSON.parse(JSON.stringify(chat))));
        expect(inSlices(request, perSlice)).toBe(JSON.stringify(request));
      }),
      { numRuns: runs(600) },
    );
  });

  it.each([
    ['keys without a value, input not first', { store: false, tools: undefined, model: 'm', input: ['a', undefined, 'é😀'], include: ['x'] }],
    ['an input that is not a list', { model: 'm', input: 'Hi' }],
    ['an empty input', { model: 'm', input: [] }],
  ])('%s: the bytes of JSON.stringify', (_name, request) => {
    for (const perSlice of [1, 2]) expect(inSlices(request as unknown as ResponsesRequest, perSlice)).toBe(JSON.stringify(request));
  });

  it('is made once for a long request, whatever the number of upstream calls', async () => {
    const request = { model: 'm', input: Array.from({ length: ITEMS_PER_SLICE * 2 + 1 }, (_, index) => ({ type: 'message', role: 'user', content: `m${index}` })) };
    const first = requestBody(request as unknown as ResponsesRequest);
    expect(requestBody(request as unknown as ResponsesRequest)).toBe(first);
    expect((await first).toString('utf8')).toBe(JSON.stringify(request));
  });
});
