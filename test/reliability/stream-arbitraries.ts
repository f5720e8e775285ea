/**
 * fast-check arbitraries for plausible Responses streams (REFERENCE §6): text messages (several
 * parts, refusals, annotations), function and custom tool calls whose argument deltas may be
 * interleaved, reasoning summaries, unknown events, then a terminal event or none. Each item may
 * arrive as deltas, only as its `.done` event, only as `output_item.done`, or only in the terminal
 * response (relays do all of these). Alongside the events: what a Chat client must end up with.
 */
import fc from 'fast-check';
import { trickyText } from './chat-arbitraries.js';

type Event = Record<string, any>;
type Delivery = 'deltas' | 'done-only' | 'item-only' | 'terminal-only';

interface MessageSpec {
  kind: 'message';
  delivery: Delivery;
  parts: Array<{ type: 'output_text' | 'refusal'; fragments: string[]; annotations: number }>;
}
interface CallSpec {
  kind: 'function_call' | 'custom_tool_call';
  delivery: Delivery;
  name: string;
  fragments: string[];
}
interface ReasoningSpec {
  kind: 'reasoning';
  summaries: string[][];
}
type ItemSpec = MessageSpec | CallSpec | ReasoningSpec;

export type Terminal = 'completed' | 'length' | 'content_filter' | 'failed' | 'error' | 'nested-error' | 'none';

export interface ExpectedCall {
  callId: string;
  name: string;
  kind: 'function' | 'custom';
  payload: string;
}

export interface GeneratedStream {
  events: Event[];
  terminal: Terminal;
  /** What the client must see, whatever the terminal. */
  content: string;
  refusal: string;
  reasoning: string;
  annotations: number;
  /** Tool calls in the order a client must index them. */
  calls: ExpectedCall[];
  unknownEvents: number;
}

export const RESPONSE_ID = 'resp_property';
export const CREATED_AT = 1_760_000_000;
export const MODEL = 'gpt-property';
/** Message items and summary parts are joined by a blank line, as in non-stream answers (DESIGN §3). */
const SEPARATOR = '\n\n';

const fragment = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: trickyText });
const fragments = fc.array(fragment, { maxLength: 5 });
const delivery = fc.constantFrom<Delivery>('deltas', 'deltas', 'done-only', 'item-only', 'terminal-only');

const messageSpec: fc.Arbitrary<MessageSpec> = fc.record({
  kind: fc.constant('message'),
  delivery,
  parts: fc.array(
    fc.record({ type: fc.constantFrom('output_text', 'output_text', 'refusal'), fragments, annotations: fc.nat({ max: 2 }) }),
    { minLength: 1, maxLength: 3 },
  ),
});
const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  kind: fc.constantFrom('function_call', 'custom_tool_call'),
  delivery,
  name: fc.stringMatching(/^[a-z_]{1,10}$/),
  fragments,
});
const reasoningSpec: fc.Arbitrary<ReasoningSpec> = fc.record({
  kind: fc.constant('reasoning'),
  summaries: fc.array(fragments, { maxLength: 3 }),
});

const unknownEvent = fc.constantFrom(
  { type: 'response.future_feature.delta', delta: 'x' },
  { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 99 },
  { type: 'response.audio.transcript.delta', delta: 'x' },
);

export const generatedStream: fc.Arbitrary<GeneratedStream> = fc
  .record({
    items: fc.array(fc.oneof({ weight: 3, arbitrary: messageSpec }, { weight: 3, arbitrary: callSpec }, { weight: 1, arbitrary: reasoningSpec }), {
      maxLength: 5,
    }),
    schedule: fc.array(fc.nat(), { maxLength: 60 }),
    terminal: fc.constantFrom<Terminal>('completed', 'completed', 'length', 'content_filter', 'failed', 'error', 'nested-error', 'none'),
    extras: fc.array(fc.tuple(fc.nat(), unknownEvent), { maxLength: 3 }),
    inProgress: fc.boolean(),
  })
  .map(buildStream);

function buildStream({
  items,
  schedule,
  terminal,
  extras,
  inProgress,
}: {
  items: ItemSpec[];
  schedule: number[];
  terminal: Terminal;
  extras: Array<[number, Event]>;
  inProgress: boolean;
}): GeneratedStream {
  const finalItems = items.map(finalItem);
  const sequences = items.map((item, index) => itemEvents(item, finalItems[index]!, index));

  // Runs of consecutive tool calls stream interleaved, as parallel calls do through some relays.
  const body: Event[] = [];
  for (let start = 0; start < items.length; ) {
    let end = start + 1;
    if (isCall(items[start]!)) while (end < items.length && isCall(items[end]!)) end++;
    body.push(...interleave(sequences.slice(start, end), schedule));
    start = end;
  }
  extras.forEach(([position, event]) => body.splice(position % (body.length + 1), 0, { ...event }));

  const finished = terminal === 'completed' || terminal === 'length' || terminal === 'content_filter';
  const seen = (item: ItemSpec) => finished || !('delivery' in item) || item.delivery !== 'terminal-only';
  const snapshot = { id: RESPONSE_ID, object: 'response', created_at: CREATED_AT, model: MODEL, status: 'in_progress', output: [] };
  const events: Event[] = [
    { type: 'response.created', response: snapshot },
    ...(inProgress ? [{ type: 'response.in_progress', response: snapshot }] : []),
    ...body,
    ...terminalEvents(terminal, finalItems),
  ].map((event, index) => ({ ...event, sequence_number: index }));

  // Text already sent cannot be reordered: messages seen only in the terminal output come last.
  const messages = items
    .filter((item): item is MessageSpec => item.kind === 'message' && seen(item))
    .sort((left, right) => Number(left.delivery === 'terminal-only') - Number(right.delivery === 'terminal-only'));
  const messageTexts = messages.map((message) => partsText(message, 'output_text')).filter((text) => text !== '');
  const calls = orderOfAnnouncement(items, body, finished);
  return {
    events,
    terminal,
    content: messageTexts.join(SEPARATOR),
    refusal: messages.map((message) => partsText(message, 'refusal')).join(''),
    reasoning: items
      .flatMap((item) => (item.kind === 'reasoning' ? item.summaries.map((summary) => summary.join('')) : []))
      .filter((text) => text !== '')
      .join(SEPARATOR),
    // Every annotation reaches the client once: by its event, or with the finished item.
    annotations: messages.reduce(
      (count, message) => count + message.parts.reduce((sum, part) => sum + (part.type === 'output_text' ? part.annotations : 0), 0),
      0,
    ),
    calls,
    unknownEvents: extras.filter(([, event]) => event.type === 'response.future_feature.delta').length,
  };
}

function isCall(item: ItemSpec): item is CallSpec {
  return item.kind === 'function_call' || item.kind === 'custom_tool_call';
}

function partsText(message: MessageSpec, type: 'output_text' | 'refusal'): string {
  return message.parts
    .filter((part) => part.type === type)
    .map((part) => part.fragments.join(''))
    .join('');
}

const itemId = (item: ItemSpec, index: number) =>
  `${{ message: 'msg', function_call: 'fc', custom_tool_call: 'ctc', reasoning: 'rs' }[item.kind]}_${index}`;
const callId = (index: number) => `call_${index}`;

function finalItem(item: ItemSpec, index: number): Event {
  const id = itemId(item, index);
  if (item.kind === 'message') {
    const content = item.parts.map((part) =>
      part.type === 'refusal'
        ? { type: 'refusal', refusal: part.fragments.join('') }
        : { type: 'output_text', text: part.fragments.join(''), annotations: annotationsOf(part), logprobs: [] },
    );
    return { id, type: 'message', status: 'completed', role: 'assistant', content };
  }
  if (item.kind === 'reasoning') {
    return { id, type: 'reasoning', summary: item.summaries.map((summary) => ({ type: 'summary_text', text: summary.join('') })) };
  }
  const payload = item.fragments.join('');
  const field = item.kind === 'function_call' ? { arguments: payload } : { input: payload };
  return { id, type: item.kind, status: 'completed', call_id: callId(index), name: item.name, ...field };
}

function annotationsOf(part: MessageSpec['parts'][number]): Event[] {
  const length = part.fragments.join('').length;
  return Array.from({ length: part.annotations }, (_, index) => ({
    type: 'url_citation',
    start_index: 0,
    end_index: length,
    url: `https://example.com/${index}`,
    title: `Source ${index}`,
  }));
}

/** The events of one item, in their own order. */
function itemEvents(item: ItemSpec, final: Event, outputIndex: number): Event[] {
  if ('delivery' in item && item.delivery === 'terminal-only') return [];
  const at = { item_id: final.id, output_index: outputIndex };
  const done = { type: 'response.output_item.done', output_index: outputIndex, item: final };
  if (item.kind === 'reasoning') {
    const summaries = item.summaries.flatMap((summary, summaryIndex) => [
      { type: 'response.reasoning_summary_part.added', ...at, summary_index: summaryIndex, part: { type: 'summary_text', text: '' } },
      ...summary.map((delta) => ({ type: 'response.reasoning_summary_text.delta', ...at, summary_index: summaryIndex, delta })),
      { type: 'response.reasoning_summary_text.done', ...at, summary_index: summaryIndex, text: summary.join('') },
      { type: 'response.reasoning_summary_part.done', ...at, summary_index: summaryIndex },
    ]);
    return [{ type: 'response.output_item.added', output_index: outputIndex, item: { ...final, summary: [] } }, ...summaries, done];
  }
  if (item.kind === 'message') {
    const added = { type: 'response.output_item.added', output_index: outputIndex, item: { ...final, status: 'in_progress', content: [] } };
    if (item.delivery === 'item-only') return [added, done];
    const parts = item.parts.flatMap((part, contentIndex): Event[] => {
      const location = { ...at, content_index: contentIndex };
      const whole = part.fragments.join('');
      const deltas = item.delivery === 'deltas' ? part.fragments : [];
      if (part.type === 'refusal') {
        return [
          { type: 'response.content_part.added', ...location, part: { type: 'refusal', refusal: '' } },
          ...deltas.map((delta) => ({ type: 'response.refusal.delta', ...location, delta })),
          { type: 'response.refusal.done', ...location, refusal: whole },
          { type: 'response.content_part.done', ...location, part: { type: 'refusal', refusal: whole } },
        ];
      }
      const annotations = item.delivery === 'deltas' ? annotationsOf(part) : [];
      return [
        { type: 'response.content_part.added', ...location, part: { type: 'output_text', text: '', annotations: [] } },
        ...deltas.map((delta) => ({ type: 'response.output_text.delta', ...location, delta, logprobs: [] })),
        ...annotations.map((annotation, annotationIndex) => ({
          type: 'response.output_text.annotation.added',
          ...location,
          annotation_index: annotationIndex,
          annotation,
        })),
        { type: 'response.output_text.done', ...location, text: whole, logprobs: [] },
        { type: 'response.content_part.done', ...location, part: { type: 'output_text', text: whole, annotations: [] } },
      ];
    });
    return [added, ...parts, done];
  }
  const isFunction = item.kind === 'function_call';
  const emptyPayload = isFunction ? { arguments: '' } : { input: '' };
  const added = { type: 'response.output_item.added', output_index: outputIndex, item: { ...final, status: 'in_progress', ...emptyPayload } };
  if (item.delivery === 'item-only') return [added, done];
  const deltaType = isFunction ? 'response.function_call_arguments.delta' : 'response.custom_tool_call_input.delta';
  const doneEvent = isFunction
    ? { type: 'response.function_call_arguments.done', ...at, arguments: final.arguments }
    : { type: 'response.custom_tool_call_input.done', ...at, input: final.input };
  const deltas = item.delivery === 'deltas' ? item.fragments : [];
  return [added, ...deltas.map((delta) => ({ type: deltaType, ...at, delta })), doneEvent, done];
}

/** Merges sequences keeping each one's order; `schedule` picks which goes next. */
function interleave(sequences: Event[][], schedule: number[]): Event[] {
  const queues = sequences.map((sequence) => [...sequence]);
  const merged: Event[] = [];
  let turn = 0;
  for (;;) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) return merged;
    const pick = (schedule[turn++ % Math.max(schedule.length, 1)] ?? 0) % open.length;
    merged.push(open[pick]!.shift()!);
  }
}

/** Calls in the order their first event appears; calls seen only in the terminal output come last. */
function orderOfAnnouncement(items: ItemSpec[], body: Event[], finished: boolean): ExpectedCall[] {
  const calls = items.flatMap((item, index) => (isCall(item) ? [{ item, index }] : []));
  const firstSeen = (index: number) => body.findIndex((event) => event.item?.id === itemId(items[index]!, index) || event.item_id === itemId(items[index]!, index));
  return calls
    .filter(({ item }) => finished || item.delivery !== 'terminal-only')
    .map(({ item, index }) => ({ item, index, position: item.delivery === 'terminal-only' ? Infinity : firstSeen(index) }))
    .sort((left, right) => left.position - right.position || left.index - right.index)
    .map(({ item, index }) => ({
      callId: callId(index),
      name: item.name,
      kind: item.kind === 'function_call' ? ('function' as const) : ('custom' as const),
      payload: item.fragments.join(''),
    }));
}

function terminalEvents(terminal: Terminal, output: Event[]): Event[] {
  const response = { id: RESPONSE_ID, object: 'response', created_at: CREATED_AT, model: MODEL, output, usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } };
  switch (terminal) {
    case 'completed':
      return [{ type: 'response.completed', response: { ...response, status: 'completed' } }];
    case 'length':
    case 'content_filter': {
      const reason = terminal === 'length' ? 'max_output_tokens' : 'content_filter';
      return [{ type: 'response.incomplete', response: { ...response, status: 'incomplete', incomplete_details: { reason } } }];
    }
    case 'failed':
      return [{ type: 'response.failed', response: { ...response, status: 'failed', error: { code: 'server_error', message: 'The model failed.' } } }];
    case 'error':
      return [{ type: 'error', code: 'server_error', message: 'The stream failed.', param: null }];
    case 'nested-error':
      return [{ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The stream failed.', param: null } }];
    case 'none':
      return [];
    default:
      return terminal satisfies never;
  }
}

/** The stream as SSE text, the way the upstream frames it (REFERENCE §6.1), or as relays vary it. */
export function sseText(events: Event[], style: { crlf: boolean; eventLines: boolean; doneLine: boolean }): string {
  const newline = style.crlf ? '\r\n' : '\n';
  const frames = events.map(
    (event) => `${style.eventLines ? `event: ${event.type}${newline}` : ''}data: ${JSON.stringify(event)}${newline}${newline}`,
  );
  return frames.join('') + (style.doneLine ? `data: [DONE]${newline}${newline}` : '');
}
