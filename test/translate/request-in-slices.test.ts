import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../src/schema/validate.js';
import { MESSAGES_PER_SLICE } from '../../src/translate/messages.js';
import { toResponsesRequest, toResponsesRequestSteps } from '../../src/translate/request.js';
import { toChatParam } from '../../src/translate/upstream-param.js';

const chatWith = (count: number) =>
  parseChatRequest({
    model: 'gpt-test',
    messages: [
      { role: 'system', content: 'Be brief.' },
      ...Array.from({ length: count }, (_, index) => ({ role: 'user', content: `m${index}` })),
    ],
  });

describe('translation of a long message list', () => {
  it('pauses between slices and gives what translating at once gives', () => {
    const chat = chatWith(MESSAGES_PER_SLICE * 3);
    const steps = toResponsesRequestSteps(chat);
    let pauses = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) pauses++;
    expect(pauses).toBe(3);
    expect(next.value).toEqual(toResponsesRequest(chat));
  });

  it('does not pause for a short one', () => {
    expect(toResponsesRequestSteps(chatWith(10)).next().done).toBe(true);
  });

  it('still names the Chat message of an input item far down the list', () => {
    const { request, origins } = toResponsesRequest(chatWith(MESSAGES_PER_SLICE * 2));
    // messages[0] became the instructions: input[N] came from messages[N + 1].
    expect(toChatParam('input[8000].content[0]', request, origins)).toBe('messages[8001].content[0]');
  });
});
