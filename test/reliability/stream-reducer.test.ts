import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { createStreamState, finish, step, type StepResult, type RawUpstreamEvent } from '../../src/stream/reducer.js';
import type { ChatContext } from '../../src/translate/chat-envelope.js';
import type { ChatCompletionChunk } from '../../src/types/chat.js';
import { isSilentEvent } from '../../src/stream/silent-events.js';
import { readAll } from '../upstream/byte-pieces.js';
import { runs, timeLimit } from './fuzz-runs.js';
import { generatedStream, sseText, type ExpectedCall, type Terminal } from './stream-arbitraries.js';

const context: ChatContext = { n: 1, stream: true, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false };

function reduce(events: RawUpstreamEvent[]): { chunks: ChatCompletionChunk[]; end: StepResult['end']; unknownEvents: number } {
  const state = createStreamState(context, { reasoningContent: true });
  const chunks: ChatCompletionChunk[] = [];
  for (const event of events) {
    const result = step(state, event);
    chunks.push(...result.chunks);
    if (result.end) return { chunks, end: result.end, unknownEvents: state.unknownEvents };
  }
  const result = finish(state);
  return { chunks: [...chunks, ...result.chunks], end: result.end, unknownEvents: state.unknownEvents };
}

const finishReasons: Partial<Record<Terminal, string>> = { length: 'length', content_filter: 'content_filter' };

function expectedEnd(terminal: Terminal, calls: ExpectedCall[]): unknown {
  if (terminal === 'completed') return { kind: 'finished', finishReason: calls.length > 0 ? 'tool_calls' : 'stop' };
  if (finishReasons[terminal]) return { kind: 'finished', finishReason: finishReasons[terminal] };
  const code = terminal === 'none' ? 'upstream_stream_truncated' : 'server_error';
  return { kind: 'failed', error: expect.toSatisfy((error) => error instanceof ApiError && error.code === code) };
}

/** Tool calls as a client rebuilds them from deltas, checking that only a call's first delta names it. */
function rebuiltCalls(chunks: ChatCompletionChunk[]): ExpectedCall[] {
  const calls: ExpectedCall[] = [];
  for (const delta of chunks.flatMap((chunk) => chunk.choices[0]!.delta.tool_calls ?? [])) {
    const call = delta as Record<string, any>;
    const fragment: string = call.function?.arguments ?? call.custom?.input ?? '';
    if (call.index === calls.length) {
      expect(call).toMatchObject({ id: expect.any(String), type: expect.stringMatching(/^(function|custom)$/) });
      calls.push({ callId: call.id, name: (call.function ?? call.custom).name, kind: call.type, payload: fragment });
      continue;
    }
    // A later delta of a call already announced: fragments only.
    expect(call.index).toBeLessThan(calls.length);
    expect([call.id, call.type, call.function?.name, call.custom?.name]).toEqual([undefined, undefined, undefined, undefined]);
    calls[call.index]!.payload += fragment;
  }
  return calls;
}

const joined = (chunks: ChatCompletionChunk[], field: 'content' | 'refusal' | 'reasoning_content'): string =>
  chunks.map((chunk) => (chunk.choices[0]!.delta as Record<string, unknown>)[field] ?? '').join('');

describe('stream reducer over generated upstream streams (property)', () => {
  it('yields a well-formed chunk stream that carries everything the upstream said', () => {
    fc.assert(
      fc.property(generatedStream, (stream) => {
        const { chunks, end, unknownEvents } = reduce(stream.events);
        const roles = chunks.map((chunk) => chunk.choices[0]!.delta.role);
        const finishes = chunks.map((chunk) => chunk.choices[0]!.finish_reason);
        const finished = end?.kind === 'finished';

        expect(roles[0]).toBe('assistant');
        expect(roles.slice(1).filter((role) => role !== undefined)).toEqual([]);
        expect(new Set(chunks.map((chunk) => `${chunk.id} ${chunk.created} ${chunk.model}`)).size).toBe(1);
        expect(end).toEqual(expectedEnd(stream.terminal, stream.calls));
        // One finish chunk, last, on a finished stream; none on a failed one.
        expect(finishes.filter((reason) => reason !== null)).toHaveLength(finished ? 1 : 0);
        if (finished) expect(finishes.at(-1)).toBe((end as { finishReason: string }).finishReason);
        expect(rebuiltCalls(chunks)).toEqual(stream.calls);
        expect({
          content: joined(chunks, 'content'),
          refusal: joined(chunks, 'refusal'),
          reasoning: joined(chunks, 'reasoning_content'),
          annotations: chunks.flatMap((chunk) => chunk.choices[0]!.delta.annotations ?? []).length,
          unknownEvents,
        }).toEqual({
          content: stream.content,
          refusal: stream.refusal,
          reasoning: stream.reasoning,
          annotations: stream.annotations,
          unknownEvents: stream.unknownEvents,
        });
      }),
      { numRuns: runs(3500) },
    );
  }, timeLimit(30_000));

  it('gives the same chunks however the SSE bytes are split', async () => {
    const framing = fc.record({ crlf: fc.boolean(), eventLines: fc.boolean(), doneLine: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(generatedStream, framing, fc.array(fc.nat(), { maxLength: 40 }), async (stream, style, cuts) => {
        const bytes = new TextEncoder().encode(sseText(stream.events, style));
        const positions = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((left, right) => left - right);
        const pieces = [0, ...positions].map((start, index) => bytes.subarray(start, [...positions, bytes.length][index]));

        const read = readAll(pieces);

        // Events that carry nothing for a Chat client are not parsed when an event line names them.
        const typeOnlyIfSilent = (event: RawUpstreamEvent) => (style.eventLines && isSilentEvent(event.type) ? { type: event.type } : event);
        expect(read).toEqual(stream.events.map(typeOnlyIfSilent));
        expect(reduce(read).chunks).toEqual(reduce(stream.events).chunks);
      }),
      { numRuns: runs(1500) },
    );
  }, timeLimit(30_000));
});
