/**
 * The event sequence of a streamed Response, in the order and shapes of real traffic: created,
 * in_progress, each output item's events, then the terminal event.
 */
import { functionCallItem, messageItem, obfuscation } from './wire-objects.js';


/**
 * Events for a response whose message text arrives as `deltas`. The message is the first
 * `message` item in `response.output` (its text must equal the joined deltas); when there is
 * none, a message item with the joined text is appended. Other output items are streamed whole.
 */
export function textStreamEvents(response: Record<string, any>, deltas: string[]): Array<Record<string, unknown>> {
  const text = deltas.join('');
  const output: Array<Record<string, any>> = [...(response.output ?? [])];
  let messageIndex = output.findIndex((item) => item.type === 'message');
  if (messageIndex === -1) {
    output.push(messageItem(text));
    messageIndex = output.length - 1;
  } else {
    const finalText = firstOutputText(output[messageIndex])?.text;
    if (finalText !== text) {
      throw new Error(`textStreamEvents: deltas join to ${JSON.stringify(text)} but the message holds ${JSON.stringify(finalText)}`);
    }
  }
  return responseStreamEvents({ ...response, output }, new Map([[messageIndex, deltas]]));
}

/**
 * Events for a response with function calls whose arguments arrive as `args` fragments. The k-th
 * call uses the k-th `function_call` item of `response.output` when present (name, arguments and
 * call id must match), otherwise a new item is appended.
 */
export function functionCallStreamEvents(
  response: Record<string, any>,
  calls: Array<{ name: string; args: string[]; callId?: string }>,
): Array<Record<string, unknown>> {
  const output: Array<Record<string, any>> = [...(response.output ?? [])];
  const existingCalls = output.filter((item) => item.type === 'function_call');
  const fragmentsByOutputIndex = new Map<number, string[]>();
  for (const [callIndex, call] of calls.entries()) {
    const args = call.args.join('');
    const existing = existingCalls[callIndex];
    if (existing === undefined) {
      output.push(functionCallItem(call.name, args, call.callId));
      fragmentsByOutputIndex.set(output.length - 1, call.args);
      continue;
    }
    const matches =
      existing.name === call.name &&
      existing.arguments === args &&
      (call.callId === undefined || existing.call_id === call.callId);
    if (!matches) {
      throw new Error(`functionCallStreamEvents: call ${callIndex} does not match ${JSON.stringify(existing)}`);
    }
    fragmentsByOutputIndex.set(output.indexOf(existing), call.args);
  }
  return responseStreamEvents({ ...response, output }, fragmentsByOutputIndex);
}

function firstOutputText(item: Record<string, any> | undefined): Record<string, any> | undefined {
  return (item?.content ?? []).find((part: Record<string, any>) => part.type === 'output_text');
}

function terminalEventType(status: unknown): string {
  if (status === 'incomplete') return 'response.incomplete';
  if (status === 'failed') return 'response.failed';
  return 'response.completed';
}

/** created → in_progress → per output item events → terminal event (by the final status). */
export function responseStreamEvents(
  finalResponse: Record<string, any>,
  fragmentsByOutputIndex: Map<number, string[]>,
): Array<Record<string, unknown>> {
  // The snapshot in created/in_progress has no output or usage yet, and service_tier 'auto'
  // until the final response names the tier actually used.
  const snapshot = (): Record<string, unknown> => ({
    ...finalResponse,
    status: 'in_progress',
    ...('completed_at' in finalResponse ? { completed_at: null } : {}),
    output: [],
    usage: null,
    service_tier: 'auto',
  });
  const output: Array<Record<string, any>> = finalResponse.output;
  return [
    { type: 'response.created', response: snapshot() },
    { type: 'response.in_progress', response: snapshot() },
    ...output.flatMap((item, outputIndex) => outputItemEvents(item, outputIndex, fragmentsByOutputIndex.get(outputIndex))),
    { type: terminalEventType(finalResponse.status), response: finalResponse },
  ];
}

function outputItemEvents(
  item: Record<string, any>,
  outputIndex: number,
  fragments: string[] | undefined,
): Array<Record<string, unknown>> {
  const added = (inProgressItem: Record<string, unknown>) => ({
    type: 'response.output_item.added',
    output_index: outputIndex,
    item: inProgressItem,
  });
  const done = { type: 'response.output_item.done', output_index: outputIndex, item };

  if (item.type === 'message') {
    const textPart = firstOutputText(item);
    const contentEvents = (item.content ?? []).flatMap((part: Record<string, any>, contentIndex: number) =>
      contentPartEvents(item.id, outputIndex, contentIndex, part, part === textPart ? fragments : undefined),
    );
    return [added({ ...item, status: 'in_progress', content: [] }), ...contentEvents, done];
  }
  if (item.type === 'function_call') {
    const deltas = fragments ?? (item.arguments ? [item.arguments] : []);
    return [
      added({ ...item, status: 'in_progress', arguments: '' }),
      ...deltas.map((delta: string) => ({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: outputIndex,
        delta,
        obfuscation: obfuscation(delta),
      })),
      // No `name` here: the types require it, but real traffic never carries it (REFERENCE §9.15).
      { type: 'response.function_call_arguments.done', item_id: item.id, output_index: outputIndex, arguments: item.arguments },
      done,
    ];
  }
  if (item.type === 'reasoning' && Array.isArray(item.summary) && item.summary.length > 0) {
    return [added({ ...item, summary: [] }), ...item.summary.flatMap((part: Record<string, any>, summaryIndex: number) => summaryPartEvents(item.id, outputIndex, summaryIndex, String(part.text ?? ''))), done];
  }
  // Items without deltas (e.g. reasoning without a requested summary) arrive as added + done only.
  return [added('status' in item ? { ...item, status: 'in_progress' } : item), done];
}

function contentPartEvents(
  itemId: string,
  outputIndex: number,
  contentIndex: number,
  part: Record<string, any>,
  fragments: string[] | undefined,
): Array<Record<string, unknown>> {
  const location = { item_id: itemId, output_index: outputIndex, content_index: contentIndex };
  const partAdded = (emptyPart: Record<string, unknown>) => ({ type: 'response.content_part.added', ...location, part: emptyPart });
  const partDone = { type: 'response.content_part.done', ...location, part };

  if (part.type === 'output_text') {
    const text: string = part.text ?? '';
    const deltas = fragments ?? (text ? [text] : []);
    const annotations: unknown[] = part.annotations ?? [];
    return [
      partAdded({ type: 'output_text', annotations: [], logprobs: [], text: '' }),
      ...deltas.map((delta) => ({
        type: 'response.output_text.delta',
        ...location,
        delta,
        logprobs: [],
        obfuscation: obfuscation(delta),
      })),
      ...annotations.map((annotation, annotationIndex) => ({
        type: 'response.output_text.annotation.added',
        ...location,
        annotation_index: annotationIndex,
        annotation,
      })),
      { type: 'response.output_text.done', ...location, text, logprobs: part.logprobs ?? [] },
      partDone,
    ];
  }
  if (part.type === 'refusal') {
    const refusal: string = part.refusal ?? '';
    return [
      partAdded({ type: 'refusal', refusal: '' }),
      { type: 'response.refusal.delta', ...location, delta: refusal },
      { type: 'response.refusal.done', ...location, refusal },
      partDone,
    ];
  }
  return [partAdded(part), partDone];
}

/** A reasoning summary part as it streams: part added, its text in deltas, text done, part done. */
function summaryPartEvents(itemId: string, outputIndex: number, summaryIndex: number, text: string): Array<Record<string, unknown>> {
  const location = { item_id: itemId, output_index: outputIndex, summary_index: summaryIndex };
  const deltas = text.match(/\S+\s*/g) ?? [];
  return [
    { type: 'response.reasoning_summary_part.added', ...location, part: { type: 'summary_text', text: '' } },
    ...deltas.map((delta) => ({ type: 'response.reasoning_summary_text.delta', ...location, delta, obfuscation: obfuscation(delta) })),
    { type: 'response.reasoning_summary_text.done', ...location, text },
    { type: 'response.reasoning_summary_part.done', ...location, part: { type: 'summary_text', text } },
  ];
}
