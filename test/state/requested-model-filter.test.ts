import { describe, expect, it } from 'vitest';
import { MemoryCompletionsIndex } from '../../src/state/memory-completions-index.js';

describe('the model filter of stored completions', () => {
  it('matches the model that answered or the one the client asked for, exactly', async () => {
    const index = new MemoryCompletionsIndex();
    await index.add('scope', { id: 'chatcmpl-1', responseId: 'resp_1', created: 1, model: 'gpt-x-2026-01-01', requestedModel: 'fast', metadata: {} });
    await index.add('scope', { id: 'chatcmpl-2', responseId: 'resp_2', created: 2, model: 'gpt-x-2026-01-01', metadata: {} });
    const ids = async (model: string) => (await index.list('scope', { model, limit: 10, order: 'asc' })).data.map((entry) => entry.id);

    expect(await ids('gpt-x-2026-01-01')).toEqual(['chatcmpl-1', 'chatcmpl-2']);
    expect(await ids('fast')).toEqual(['chatcmpl-1']);
    expect(await ids('gpt-x')).toEqual([]);
  });
});
