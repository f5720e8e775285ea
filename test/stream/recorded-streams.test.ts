import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../src/types/chat.js';
import { hasSharedFixtures, recordedStreams } from '../helpers/recorded-fixtures.js';
import { chatContext, deltasOf, finishReasonsOf, joinedContent, ROLE_DELTA, runReducer } from './stream-events.js';

/** Invariants of the reducer over every real recorded upstream stream (the recordings stay outside the repo). */

const streams = (hasSharedFixtures ? recordedStreams() : []).map((stream) => ({
  ...stream,
  label: `${stream.name} #${stream.interactionIndex}`,
}));

/** What a Chat client would get for the failure codes seen in the recordings. */
const statusByCode: Record<string, number> = { insufficient_quota: 429, rate_limit_exceeded: 429, server_error: 500 };

function terminalResponse(events: Array<Record<string, any>>): Record<string, any> {
  return events.findLast((event) => event.response !== undefined)!.response;
}

function outputOf(events: Array<Record<string, any>>, type: string): Array<Record<string, any>> {
  return (terminalResponse(events).output ?? []).filter((item: Record<string, any>) => item.type === type);
}

const recordedText = (events: Array<Record<string, any>>): string =>
  outputOf(events, 'message')
    .map((item) => item.content.filter((part: any) => part.type === 'output_text').map((part: any) => part.text).join(''))
    .filter((text) => text !== '')
    .join('\n\n');

const recordedCalls = (events: Array<Record<string, any>>) =>
  (terminalResponse(events).output ?? []).filter((item: any) => item.type === 'function_call' || item.type === 'custom_tool_call');

function toolCallsSent(chunks: ChatCompletionChunk[]) {
  const calls: Array<{ index: number; id: string; name: string; text: string }> = [];
  for (const delta of deltasOf(chunks)) {
    for (const call of delta.tool_calls ?? []) {
      const name = call.function?.name ?? call.custom?.name ?? '';
      if (call.id !== undefined) calls.push({ index: call.index, id: call.id, name, text: '' });
      const entry = calls.find((known) => known.index === call.index)!;
      entry.text += call.function?.arguments ?? call.custom?.input ?? '';
    }
  }
  return calls;
}

describe.skipIf(!hasSharedFixtures)('stream reducer over every recorded upstream stream', () => {
  it('has recorded streams to check', () => {
    expect(streams.length).toBeGreaterThan(10);
  });

  const succeeded = streams.filter((stream) => stream.events.at(-1)?.type === 'response.completed');
  const failedStreams = streams.filter((stream) => stream.events.some((event) => event.type === 'error' || event.type === 'response.failed'));

  it('covers every recorded stream as either completed or failed', () => {
    expect(succeeded.length + failedStreams.length).toBe(streams.length);
    expect(failedStreams.length).toBeGreaterThan(0);
  });

  describe.each(succeeded)('$label', ({ events }) => {
    const run = runReducer(events, chatContext({ includeUsage: true, logprobs: true }));
    const response = terminalResponse(events);

    it('opens with one role chunk and keeps one id, created and model', () => {
      const deltas = deltasOf(run.chunks);
      expect(deltas[0]).toStrictEqual(ROLE_DELTA);
      expect(deltas.slice(1).filter((delta) => 'role' in delta)).toEqual([]);
      const envelopes = new Set(run.chunks.map((chunk) => `${chunk.id} ${chunk.created} ${chunk.model}`));
      expect([...envelopes]).toEqual([`chatcmpl-${String(response.id).replace(/^resp_/, '')} ${response.created_at} ${response.model}`]);
      expect(run.chunks.every((chunk) => chunk.usage === null && chunk.choices.length === 1)).toBe(true);
    });

    it('ends with exactly one finish chunk, the last one, on the terminal event', () => {
      const expected = recordedCalls(events).length > 0 ? 'tool_calls' : 'stop';
      expect(finishReasonsOf(run.chunks)).toEqual([...run.chunks.slice(1).map(() => null), expected]);
      expect(run.end).toEqual({ kind: 'finished', finishReason: expected });
      expect(run.endedAt).toBe(events.length - 1);
      expect(run.usage).toEqual(response.usage);
    });

    it('knows every event type the recording contains', () => {
      expect(run.unknownEvents).toBe(0);
    });

    it('sends the recorded text once, with its logprob tokens and citations', () => {
      expect(joinedContent(run.chunks)).toBe(recordedText(events));
      const parts = outputOf(events, 'message').flatMap((item) => item.content);
      const tokens = run.chunks.flatMap((chunk) => chunk.choices[0]!.logprobs?.content ?? []).map((entry) => entry.token);
      expect(tokens).toEqual(parts.flatMap((part: any) => part.logprobs ?? []).map((entry: any) => entry.token));
      const annotations = deltasOf(run.chunks).flatMap((delta) => delta.annotations ?? []).map((annotation) => annotation.url_citation);
      const recordedCitations = parts
        .flatMap((part: any) => part.annotations ?? [])
        .filter((annotation: any) => annotation.type === 'url_citation')
        .map(({ start_index, end_index, url, title }: any) => ({ start_index, end_index, url, title }));
      expect(annotations).toEqual(recordedCitations);
    });

    it('sends every recorded tool call with its call id, name and arguments, indexed 0..k-1', () => {
      expect(toolCallsSent(run.chunks)).toEqual(
        recordedCalls(events).map((item: any, index: number) => ({
          index,
          id: item.call_id,
          name: item.name,
          text: item.type === 'custom_tool_call' ? item.input : item.arguments,
        })),
      );
    });

    it('sends the recorded reasoning summaries as reasoning_content', () => {
      const reasoning = deltasOf(run.chunks).map((delta) => delta.reasoning_content ?? '').join('');
      const summaries = outputOf(events, 'reasoning')
        .flatMap((item) => item.summary ?? [])
        .map((part: any) => part.text);
      expect(reasoning).toBe(summaries.join('\n\n'));
    });
  });

  describe.each(succeeded.filter(({ events }) => recordedText(events).length >= 12))('$label with a stop sequence', ({ events }) => {
    it('cuts the text at the first occurrence and ends before the terminal event', () => {
      const text = recordedText(events);
      const middle = Math.floor(text.length / 2);
      const stop = text.slice(middle, middle + 4);
      const run = runReducer(events, chatContext({ stop: [stop] }));
      expect(joinedContent(run.chunks)).toBe(text.slice(0, text.indexOf(stop)));
      expect(run.end).toEqual({ kind: 'finished', finishReason: 'stop' });
      expect(run.endedAt).toBeLessThan(events.length - 1);
    });
  });

  describe.each(failedStreams)('$label', ({ events }) => {
    it('ends as failed with the upstream message and code, and never sends a finish chunk', () => {
      const run = runReducer(events);
      const errorEvent = events.find((event) => event.type === 'error');
      const upstreamError = errorEvent?.error ?? errorEvent ?? terminalResponse(events).error;
      expect(finishReasonsOf(run.chunks).every((reason) => reason === null)).toBe(true);
      expect(run.end?.kind).toBe('failed');
      const error = run.end?.kind === 'failed' ? run.end.error : undefined;
      expect({ message: error?.message, code: error?.code }).toEqual({ message: upstreamError.message, code: upstreamError.code });
      expect(error?.status).toBe(statusByCode[upstreamError.code]);
    });
  });
});
