import { describe, expect, it } from 'vitest';
import { toChatCompletion } from '../../src/translate/response.js';
import { chatContext, completed, created, runReducer } from '../stream/stream-events.js';

/** Reasoning summaries go in the field the deployment's clients read. */
const reasoning = { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Weighing it up.' }] };
const answer = { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'Yes.' }] };
const summaryDelta = { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'Weighing it up.' };

describe('the reasoning field', () => {
  it.each([
    [undefined, 'reasoning_content'],
    ['reasoning_content', 'reasoning_content'],
    ['reasoning', 'reasoning'],
  ] as const)('option %s puts summaries in %s (non-stream and stream)', (reasoningField, field) => {
    const options = { reasoningContent: true, ...(reasoningField && { reasoningField }) };
    const completion = toChatCompletion({ status: 'completed', output: [reasoning, answer] }, chatContext(), options);
    const { chunks } = runReducer([created(), summaryDelta, completed([reasoning, answer])], chatContext(), options);

    const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta as Record<string, unknown> | undefined);
    const other = field === 'reasoning' ? 'reasoning_content' : 'reasoning';
    expect([message[field], message[other]]).toEqual(['Weighing it up.', undefined]);
    expect(deltas.flatMap((delta) => (delta?.[field] === undefined ? [] : [delta[field]]))).toEqual(['Weighing it up.']);
    expect(deltas.some((delta) => delta?.[other] !== undefined)).toBe(false);
  });
});
