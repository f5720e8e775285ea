/**
 * What the adapter reads back from the Responses API: Response objects and stream events. Typed
 * leniently, every field optional, because the upstream adds fields and events often; the readers
 * still check what they use (`translate/lenient.ts`), and whatever slips through is a 502 naming
 * the upstream, never the adapter's own 500.
 */

export interface UpstreamLogprob {
  token?: string;
  logprob?: number;
  bytes?: number[] | null;
  top_logprobs?: Array<{ token?: string; logprob?: number; bytes?: number[] | null }>;
}

export interface UpstreamAnnotation {
  type?: string;
  start_index?: number;
  end_index?: number;
  url?: string;
  title?: string;
  [key: string]: unknown;
}

export interface UpstreamContentPart {
  type?: string;
  text?: string;
  refusal?: string;
  annotations?: UpstreamAnnotation[];
  logprobs?: UpstreamLogprob[];
}

export interface UpstreamOutputItem {
  type?: string;
  id?: string;
  status?: string;
  role?: string;
  phase?: string | null;
  content?: UpstreamContentPart[];
  call_id?: string;
  name?: string;
  arguments?: string;
  input?: string;
  summary?: Array<{ type?: string; text?: string }>;
  encrypted_content?: string | null;
  [key: string]: unknown;
}

export interface UpstreamUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number } | null;
  total_tokens?: number;
}

export interface UpstreamResponse {
  id?: string;
  object?: string;
  created_at?: number;
  status?: string;
  model?: string;
  output?: UpstreamOutputItem[];
  usage?: UpstreamUsage | null;
  error?: { code?: string | null; message?: string; type?: string; param?: string | null } | null;
  incomplete_details?: { reason?: string | null } | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

// ---- stream events ----

interface EventBase {
  sequence_number?: number;
}

/** The Response snapshot of a run that has begun. */
export interface ResponseStartedEvent extends EventBase {
  type: 'response.created' | 'response.in_progress' | 'response.queued';
  response?: unknown;
}

/** The Response as it ended. */
export interface ResponseEndedEvent extends EventBase {
  type: 'response.completed' | 'response.incomplete' | 'response.failed';
  response?: unknown;
}

export interface OutputItemEvent extends EventBase {
  type: 'response.output_item.added' | 'response.output_item.done';
  output_index?: number;
  item?: unknown;
}

export interface ContentPartAddedEvent extends EventBase {
  type: 'response.content_part.added';
  item_id?: string;
  content_index?: number;
}

export interface TextDeltaEvent extends EventBase {
  type: 'response.output_text.delta';
  item_id?: string;
  content_index?: number;
  delta?: string;
  logprobs?: unknown;
}

export interface TextDoneEvent extends EventBase {
  type: 'response.output_text.done';
  item_id?: string;
  content_index?: number;
  text?: string;
  logprobs?: unknown;
}

export interface AnnotationAddedEvent extends EventBase {
  type: 'response.output_text.annotation.added';
  item_id?: string;
  content_index?: number;
  annotation_index?: number;
  annotation?: UpstreamAnnotation | null;
}

export interface RefusalDeltaEvent extends EventBase {
  type: 'response.refusal.delta';
  item_id?: string;
  content_index?: number;
  delta?: string;
}

export interface RefusalDoneEvent extends EventBase {
  type: 'response.refusal.done';
  item_id?: string;
  content_index?: number;
  refusal?: string;
}

export interface ToolInputDeltaEvent extends EventBase {
  type: 'response.function_call_arguments.delta' | 'response.custom_tool_call_input.delta';
  item_id?: string;
  delta?: string;
}

/** Carries no name in real traffic, only the arguments. */
export interface FunctionArgumentsDoneEvent extends EventBase {
  type: 'response.function_call_arguments.done';
  item_id?: string;
  arguments?: string;
}

export interface CustomToolInputDoneEvent extends EventBase {
  type: 'response.custom_tool_call_input.done';
  item_id?: string;
  input?: string;
}

export interface ReasoningEvent extends EventBase {
  type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_text.delta' | 'response.reasoning_text.delta';
  delta?: string;
}

export interface UpstreamErrorFields {
  code?: string | null;
  message?: string | null;
  type?: string | null;
  param?: string | null;
}

/** Real traffic nests the fields in `error`; the types and spec put them at the top level. */
export interface ErrorEvent extends EventBase, Omit<UpstreamErrorFields, 'type'> {
  type: 'error';
  error?: UpstreamErrorFields | null;
}

/** Every event the stream translator reads; anything else arrives as `{ type: 'unknown' }`. */
export type KnownUpstreamEvent =
  | ResponseStartedEvent
  | ResponseEndedEvent
  | OutputItemEvent
  | ContentPartAddedEvent
  | TextDeltaEvent
  | TextDoneEvent
  | AnnotationAddedEvent
  | RefusalDeltaEvent
  | RefusalDoneEvent
  | ToolInputDeltaEvent
  | FunctionArgumentsDoneEvent
  | CustomToolInputDoneEvent
  | ReasoningEvent
  | ErrorEvent;

/** An event as parsed from the wire: a JSON object whose `type` may be anything. */
export type RawUpstreamEvent = { type?: unknown; [key: string]: unknown };

const KNOWN_EVENT_TYPES: ReadonlySet<unknown> = new Set<KnownUpstreamEvent['type']>([
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.completed',
  'response.incomplete',
  'response.failed',
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.output_text.annotation.added',
  'response.refusal.delta',
  'response.refusal.done',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
  'error',
]);

export function isStartEvent(event: KnownUpstreamEvent): event is ResponseStartedEvent {
  return event.type === 'response.created' || event.type === 'response.in_progress' || event.type === 'response.queued';
}

export function isEndEvent(event: KnownUpstreamEvent): event is ResponseEndedEvent {
  return event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed';
}

/** The event as one of the known kinds, or `undefined` when the translator does not read its type. */
export function knownEvent(event: RawUpstreamEvent): KnownUpstreamEvent | undefined {
  return KNOWN_EVENT_TYPES.has(event.type) ? (event as unknown as KnownUpstreamEvent) : undefined;
}
