import type { StoredCompletion } from '../state/completions-index.js';
import type { ChatCompletion } from '../types/chat.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { ChatContext, ResponseTranslationOptions } from './chat-envelope.js';
import { assembleCompletion, toChatChoice } from './response.js';

/**
 * A stored completion as the client was answered: its Responses (one per choice) translated as
 * when it was created (the same stop sequences, logprobs and legacy functions), under its own id,
 * with the metadata the index holds (updates are kept there: the Responses API has no update). Pure.
 */
export function toStoredCompletion(
  entry: StoredCompletion,
  responses: readonly UpstreamResponse[],
  options: ResponseTranslationOptions,
): ChatCompletion {
  const context: ChatContext = {
    n: responses.length,
    stream: false,
    includeUsage: false,
    stop: entry.stop ?? [],
    logprobs: entry.logprobs === true,
    legacyFunctions: entry.legacyFunctions === true,
  };
  const choices = responses.map((response, index) => toChatChoice(response, context, options, index));
  // The envelope (created, model, tier) of the choice the Chat id was made from; usage of them all.
  const named = responses.find((response) => response.id === entry.responseId) ?? responses[0]!;
  const completion = assembleCompletion([named, ...responses.filter((response) => response !== named)], choices);
  return { ...completion, id: entry.id, metadata: { ...entry.metadata } };
}
