import type { Logger } from 'pino';
import { callerScope } from '../reasoning/continuity.js';
import type { AnswerObserver, CompletedAnswer } from '../serve/answer-observer.js';
import type { CompletionsIndex, StoredCompletion } from '../state/completions-index.js';
import { completionId } from '../translate/chat-envelope.js';
import { numberOr, stringOr } from '../translate/lenient.js';

/**
 * Adds every answer of a `store: true` request to the caller's index of stored completions. With
 * `n` > 1 each choice is its own upstream Response: they are kept together under the one Chat id
 * the client was given (`choiceResponseIds`), and retrieved, listed and deleted together.
 */
export class CompletionRecorder implements AnswerObserver {
  constructor(
    private readonly index: CompletionsIndex,
    private readonly log: Logger,
  ) {}

  async answered(answer: CompletedAnswer): Promise<void> {
    if (answer.plan.translated.request.store !== true) return;
    const entry = storedEntry(answer);
    if (entry === undefined) {
      this.log.warn({ chatId: answer.chatId }, 'stored completion not indexed: the upstream named no Response id');
      return;
    }
    try {
      await this.index.add(callerScope(answer.call), entry);
    } catch (error) {
      // The answer itself is good: the client gets it, only the listing lacks it.
      this.log.warn({ err: error, chatId: entry.id }, 'stored completion not indexed: the index failed');
    }
  }
}

/** The index entry of an answer; undefined when a Response has no id to find it by later. */
export function storedEntry({ plan, chatId, responses }: CompletedAnswer): StoredCompletion | undefined {
  const ids = responses.map((response) => stringOr(response.id, undefined));
  if (ids.length === 0 || ids.some((id) => id === undefined)) return undefined;
  const responseIds = ids as string[];
  // The Chat id was made from the choice that spoke first (a stream) or the first choice (JSON).
  const named = responses.findIndex((response) => completionId(response.id) === chatId);
  const first = responses[Math.max(named, 0)]!;
  const { translated, requestedModel } = plan;
  const model = stringOr(first.model, translated.request.model);
  const entry: StoredCompletion = {
    id: chatId,
    responseId: responseIds[Math.max(named, 0)]!,
    created: numberOr(first.created_at, Math.floor(Date.now() / 1000)),
    model,
    metadata: { ...(translated.request.metadata ?? {}) },
  };
  if (requestedModel !== undefined && requestedModel !== model) entry.requestedModel = requestedModel;
  if (responseIds.length > 1) entry.choiceResponseIds = responseIds;
  const { context } = translated;
  if (context.stop.length > 0) entry.stop = context.stop;
  if (context.logprobs) entry.logprobs = true;
  if (context.legacyFunctions) entry.legacyFunctions = true;
  if (translated.instructionsRole !== undefined) entry.instructionsRole = translated.instructionsRole;
  return entry;
}
