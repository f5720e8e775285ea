/**
 * fast-check arbitraries for malformed upstream answers: one valid Response object that uses every
 * field the translators read (reasoning with a summary and encrypted content, a message with
 * citations and logprobs with top logprobs, a refusal, function and custom tool calls, usage with
 * details), and the stream of events that carries it; then one to three mutations, each putting a
 * value of another type somewhere in it (`id: 7`, `top_logprobs: [null]`, `output: "x"`) or a junk
 * entry into one of its lists (`output: [null, …]`). Anything may be hit: the whole object, an
 * event, a field deep inside.
 */
import fc from 'fast-check';
import { functionCallItem, messageItem, responseObject, textStreamEvents } from '../helpers/fake-upstream.js';

type Json = unknown;
type Path = Array<string | number>;

export interface Mutation {
  path: Path;
  /** Replace the value there, or (in a list) put the value before the entry there. */
  kind: 'replace' | 'insert';
  value: Json;
}

/** Values of every JSON type, and the shapes that break naive readers. */
const WRONG_VALUES: Json[] = [null, 0, -1, 2.5, 1e308, true, false, '', 'x', '<b>', {}, { type: 'x' }, [], [null], [1, 'a'], [{}], [[]]];

const logprob = (token: string) => ({
  token,
  logprob: -0.25,
  bytes: [...Buffer.from(token)],
  top_logprobs: [
    { token, logprob: -0.25, bytes: [...Buffer.from(token)] },
    { token: 'x', logprob: -3, bytes: [120] },
  ],
});

const message = messageItem('Hello world', {
  content: [
    {
      type: 'output_text',
      text: 'Hello world',
      annotations: [{ type: 'url_citation', start_index: 0, end_index: 5, url: 'https://example.com', title: 'Example' }],
      logprobs: [logprob('Hello'), logprob(' world')],
    },
    { type: 'refusal', refusal: 'Not that part.' },
  ],
});
const reasoning = {
  id: 'rs_malformed',
  type: 'reasoning',
  summary: [{ type: 'summary_text', text: 'Thinking it over.' }],
  encrypted_content: 'gAAAA-encrypted',
};
const custom = { id: 'ctc_malformed', type: 'custom_tool_call', status: 'completed', call_id: 'call_custom', name: 'run_sql', input: 'SELECT 1' };

/**
 * The valid answer every mutation starts from, with only the fields the adapter reads (the echoed
 * request parameters of a real Response would only dilute the mutations).
 */
const { id, object, created_at, status, model, output, usage, error, incomplete_details, service_tier } = responseObject({
  id: 'resp_malformed',
  model: 'gpt-5-malformed',
  output: [reasoning, message, functionCallItem('lookup', '{"city":"Paris"}', 'call_lookup'), custom],
  usage: {
    input_tokens: 11,
    input_tokens_details: { cached_tokens: 2, cache_write_tokens: 1 },
    output_tokens: 10,
    output_tokens_details: { reasoning_tokens: 4 },
    total_tokens: 21,
  },
});
export const validResponse = { id, object, created_at, status, model, output, usage, error, incomplete_details, service_tier };

/** The same answer as a stream: text deltas with logprobs, reasoning summary deltas, tool input deltas. */
export const validEvents: Array<Record<string, unknown>> = (() => {
  const events = textStreamEvents(validResponse, ['Hello', ' world']).map((event, sequence): Record<string, unknown> => {
    if (event.type !== 'response.output_text.delta') return { ...event, sequence_number: sequence };
    return { ...event, logprobs: [logprob(String(event.delta))], sequence_number: sequence };
  });
  const reasoningAdded = events.findIndex((event) => event.type === 'response.output_item.added' && (event.item as { type?: string }).type === 'reasoning');
  events.splice(
    reasoningAdded + 1,
    0,
    { type: 'response.reasoning_summary_part.added', item_id: reasoning.id, output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } },
    { type: 'response.reasoning_summary_text.delta', item_id: reasoning.id, output_index: 0, summary_index: 0, delta: 'Thinking it over.' },
  );
  const customAdded = events.findIndex((event) => event.type === 'response.output_item.added' && (event.item as { type?: string }).type === 'custom_tool_call');
  events.splice(
    customAdded + 1,
    0,
    { type: 'response.custom_tool_call_input.delta', item_id: custom.id, output_index: 3, delta: 'SELECT 1' },
    { type: 'response.custom_tool_call_input.done', item_id: custom.id, output_index: 3, input: 'SELECT 1' },
  );
  return events;
})();

const upstreamError = { code: 'rate_limit_exceeded', message: 'Slow down.', type: 'rate_limit_error', param: 'model' };

/** A failed Response: its error is what the client must hear. */
export const failedResponse = { ...validResponse, status: 'failed', output: [], usage: null, error: upstreamError };

/** Streams that end in the upstream's error: after output, and before it in both shapes of `error` event. */
export const failingStreams: Array<Array<Record<string, unknown>>> = (() => {
  const firstDelta = validEvents.findIndex((event) => event.type === 'response.output_text.delta');
  const started = validEvents.slice(0, firstDelta + 1);
  return [
    [...started, { type: 'response.failed', response: failedResponse }],
    [validEvents[0]!, { type: 'error', error: upstreamError }],
    [validEvents[0]!, { type: 'error', code: upstreamError.code, message: upstreamError.message, param: upstreamError.param }],
  ];
})();

/** Every place in a JSON value: the value itself (`[]`), and everything inside it. */
export function pathsOf(value: Json, at: Path = []): Path[] {
  const paths: Path[] = [at];
  if (Array.isArray(value)) value.forEach((entry, index) => paths.push(...pathsOf(entry, [...at, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) paths.push(...pathsOf(entry, [...at, key]));
  }
  return paths;
}

/** A copy of `value` with the mutations made, in order (a path that no longer leads anywhere is skipped). */
export function mutate<T>(value: T, mutations: Mutation[]): T {
  let copy = structuredClone(value) as Json;
  for (const { path, kind, value: replacement } of mutations) {
    if (path.length === 0) {
      copy = structuredClone(replacement);
      continue;
    }
    let parent: any = copy;
    for (const key of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? parent[key] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const last = path.at(-1)!;
    if (kind === 'insert' && Array.isArray(parent) && typeof last === 'number') parent.splice(last, 0, structuredClone(replacement));
    else parent[last] = structuredClone(replacement);
  }
  return copy as T;
}

function mutationsOf(value: Json): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(value);
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'insert'),
    value: fc.constantFrom(...WRONG_VALUES),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

/** What was mutated: an answer, or the upstream's own error (a failed Response, an `error` event). */
export type Base = 'answer' | 'failure';

/** A Response object with one to three fields of the wrong type (or junk list entries). */
export const malformedResponse: fc.Arbitrary<{ base: Base; body: Json; mutations: Mutation[] }> = fc.oneof(
  mutationsOf(validResponse).map((mutations) => ({ base: 'answer' as const, body: mutate(validResponse, mutations), mutations })),
  mutationsOf(failedResponse).map((mutations) => ({ base: 'failure' as const, body: mutate(failedResponse, mutations), mutations })),
);

/** An event stream with one to three mutations anywhere in its events (the list of events included). */
export const malformedEvents: fc.Arbitrary<{ base: Base; events: Json; mutations: Mutation[] }> = fc.oneof(
  { weight: 3, arbitrary: mutationsOf(validEvents).map((mutations) => ({ base: 'answer' as const, events: mutate(validEvents, mutations), mutations })) },
  ...failingStreams.map((events) => mutationsOf(events).map((mutations) => ({ base: 'failure' as const, events: mutate(events, mutations), mutations }))),
);
