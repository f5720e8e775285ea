/** The upstream replies the client-library tests share, built from the fake upstream's builders. */
import {
  functionCallItem,
  functionCallStreamEvents,
  messageItem,
  responseObject,
  textStreamEvents,
  type Reply,
} from '../../tools/fake-upstream/index.js';
import { responsesUsage } from '../helpers/usage-objects.js';

/** Usage with every detail set, which each library reports in its own vocabulary: 49 tokens in all. */
export const upstreamUsage = responsesUsage(37, 12, { cached: 5, reasoning: 3 });

/** `text` as one finished answer billed with `upstreamUsage`. */
export function billedAnswer(text: string): Reply {
  return { kind: 'json', body: responseObject({ output: [messageItem(text)], usage: upstreamUsage }) };
}

/** `deltas` streamed one by one, the finished answer billed with `upstreamUsage`. */
export function billedStream(deltas: string[]): Reply {
  const response = responseObject({ output: [messageItem(deltas.join(''))], usage: upstreamUsage });
  return { kind: 'stream', events: textStreamEvents(response, deltas) };
}

/** An upstream rate-limit reply with the real error body shape. */
export function rateLimited(message: string) {
  return {
    kind: 'json' as const,
    status: 429,
    body: { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } },
  };
}

/** A `get_weather` call for Paris (call id `call_paris_1`), then `answer` once the tool result is back. */
export function parisRoundTrip(answer: string): [Reply, Reply] {
  return [
    { kind: 'json', body: responseObject({ output: [functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris_1')] }) },
    { kind: 'json', body: responseObject({ output: [messageItem(answer)] }) },
  ];
}

/**
 * A streamed `get_weather` call for Oslo (call id `call_oslo_1`) whose arguments arrive as
 * `{"ci`, `ty":"Os`, `lo"}`, then `answerDeltas` streamed once the tool result is back.
 */
export function osloStreamedRoundTrip(answerDeltas: string[]): [Reply, Reply] {
  const answer = responseObject({ output: [messageItem(answerDeltas.join(''))] });
  return [
    {
      kind: 'stream',
      events: functionCallStreamEvents(responseObject(), [
        { name: 'get_weather', args: ['{"ci', 'ty":"Os', 'lo"}'], callId: 'call_oslo_1' },
      ]),
    },
    { kind: 'stream', events: textStreamEvents(answer, answerDeltas) },
  ];
}

/** A stream that sends the deltas `Partial ` and `answer`, then an `insufficient_quota` error with `message`. */
export function quotaErrorMidStream(message: string): Reply {
  const partial = textStreamEvents(responseObject({ output: [messageItem('Partial answer')] }), ['Partial ', 'answer']);
  const failure = { type: 'error', error: { type: 'insufficient_quota', code: 'insufficient_quota', message, param: null } };
  // created, in_progress, item added, part added, then the two deltas.
  return { kind: 'stream', events: [...partial.slice(0, 6), failure] };
}
