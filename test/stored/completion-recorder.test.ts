import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { callerScope } from '../../src/reasoning/continuity.js';
import type { CompletedAnswer } from '../../src/serve/answer-observer.js';
import { MemoryCompletionsIndex } from '../../src/state/memory-completions-index.js';
import { CompletionRecorder, storedEntry } from '../../src/stored/completion-recorder.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import { parseChatRequest } from '../../src/schema/validate.js';

function answer(chat: Record<string, unknown>, responses: Array<Record<string, unknown>>, chatId: string): CompletedAnswer {
  const translated = toResponsesRequest(parseChatRequest({ model: 'fast', messages: [{ role: 'developer', content: 'Rules.' }, { role: 'user', content: 'Hi' }], ...chat }));
  return {
    plan: { translated, prepared: { request: translated.request, replayed: 0 }, requestedModel: 'fast' },
    call: { authorization: 'Bearer key-a', forwardedHeaders: {}, requestId: 'req_1', presence: { gone: false, onGone() {} } },
    chatId,
    responses,
  };
}

describe('the index entry of an answer', () => {
  it('keeps the ids of every choice, the model asked for and how the answer was shaped', () => {
    const entry = storedEntry(
      answer({ store: true, n: 2, stop: ['END'], logprobs: true, metadata: { a: '1' } }, [
        { id: 'resp_1', created_at: 10, model: 'gpt-x-1' },
        { id: 'resp_2', created_at: 11, model: 'gpt-x-1' },
      ], 'chatcmpl-2'),
    );
    expect(entry).toEqual({
      id: 'chatcmpl-2',
      responseId: 'resp_2',
      created: 11,
      model: 'gpt-x-1',
      metadata: { a: '1' },
      requestedModel: 'fast',
      choiceResponseIds: ['resp_1', 'resp_2'],
      stop: ['END'],
      logprobs: true,
      instructionsRole: 'developer',
    });
  });

  it('is not made without a Response id', () => {
    expect(storedEntry(answer({ store: true }, [{ created_at: 1 }], 'chatcmpl-1'))).toBeUndefined();
  });
});

describe('CompletionRecorder', () => {
  const silent = pino({ level: 'silent' });

  it('indexes only answers of store: true, in the caller’s scope', async () => {
    const index = new MemoryCompletionsIndex();
    const recorder = new CompletionRecorder(index, silent);
    await recorder.answered(answer({}, [{ id: 'resp_1', created_at: 1, model: 'm' }], 'chatcmpl-1'));
    await recorder.answered(answer({ store: true }, [{ id: 'resp_2', created_at: 2, model: 'm' }], 'chatcmpl-2'));

    const scope = callerScope({ authorization: 'Bearer key-a', forwardedHeaders: {} });
    expect((await index.list(scope, { limit: 10, order: 'asc' })).data.map((entry) => entry.id)).toEqual(['chatcmpl-2']);
  });

  it('never fails the answer when the index fails (Redis down): it logs', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const failing = new MemoryCompletionsIndex();
    failing.add = async () => {
      throw new Error('connection refused');
    };

    await expect(new CompletionRecorder(failing, log).answered(answer({ store: true }, [{ id: 'resp_1' }], 'chatcmpl-1'))).resolves.toBeUndefined();
    expect(lines.join('')).toContain('stored completion not indexed: the index failed');
  });
});
