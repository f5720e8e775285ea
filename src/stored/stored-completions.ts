/**
 * Stored chat completions (`store: true`) on the Responses API: retrieve, list, messages, update
 * and delete, as the Chat Completions API serves them. The upstream holds the Responses; the index
 * says which belong to the caller, what their metadata is now (the Responses API has no update),
 * and which Responses make one completion (`n` > 1).
 *
 * On a shared upstream key the upstream would hand any tenant's Response to anyone who names it,
 * so only ids in the caller's index are served. Without an upstream key (`upstreamFallback`) each
 * caller's own key goes upstream, which holds only what that key may read: an id missing from the
 * index (a memory index after a restart, another replica's) is then asked upstream.
 */
import type { Logger } from 'pino';
import { ApiError, InvalidRequestError } from '../errors.js';
import { mapConcurrently } from '../migration/concurrency.js';
import { callerScope } from '../reasoning/continuity.js';
import type { Redactor } from '../redaction.js';
import { pathSegment } from '../routes/path-segment.js';
import { unreadableUpstream } from '../serve/unreadable-upstream.js';
import type { CompletionsIndex, CompletionsQuery, StoredCompletion } from '../state/completions-index.js';
import type { ResponseTranslationOptions } from '../translate/chat-envelope.js';
import { stringOr } from '../translate/lenient.js';
import { toStoredCompletion } from '../translate/stored-completion.js';
import { toStoreMessages, type StoreMessage } from '../translate/stored-messages.js';
import type { ChatCompletion } from '../types/chat.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { UpstreamCall } from '../upstream/call.js';
import type { StoredResponsesClient } from '../upstream/stored-responses-client.js';
import { listObject, type ListObject } from './list-object.js';
import type { PageQuery } from './list-query.js';

export interface StoredCompletionsSettings {
  /** Ask the upstream for ids the index lacks: only when each caller's own key goes upstream. */
  upstreamFallback: boolean;
  answerOptions: ResponseTranslationOptions;
  redactor: Redactor;
}

/** Upstream calls at once for one list page (each listed completion is one `GET /responses/{id}`). */
export const LIST_CONCURRENCY = 4;

/** The caller's view of one stored completion: where it is found, and whether the index has it. */
interface Located {
  scope: string;
  entry: StoredCompletion;
  indexed: boolean;
}

export class StoredCompletions {
  constructor(
    private readonly index: CompletionsIndex,
    private readonly upstream: StoredResponsesClient,
    private readonly settings: StoredCompletionsSettings,
  ) {}

  async retrieve(id: string, call: UpstreamCall, log: Logger): Promise<ChatCompletion> {
    const located = await this.locate(id, call);
    return this.completion(located, await this.responses(located, call), call, log);
  }

  async list(query: CompletionsQuery, call: UpstreamCall, log: Logger): Promise<ListObject<ChatCompletion>> {
    const scope = callerScope(call);
    const data: ChatCompletion[] = [];
    let after = query.after;
    let hasMore: boolean;
    // Entries whose Response is gone upstream are skipped, the page filled from the next ones, and
    // forgotten once the page is whole (the cursor must stay in the index until then).
    const gone: string[] = [];
    for (;;) {
      const page = await this.index.list(scope, { ...query, after, limit: query.limit - data.length });
      hasMore = page.hasMore;
      const loaded = await mapConcurrently(page.data, LIST_CONCURRENCY, (entry) => this.loadListed({ scope, entry, indexed: true }, call, log));
      for (const [index, completion] of loaded.entries()) {
        if (completion) data.push(completion);
        else gone.push(page.data[index]!.id);
      }
      const last = page.data.at(-1);
      if (data.length >= query.limit || !hasMore || last === undefined) break;
      after = last.id;
    }
    for (const id of gone) await this.index.remove(scope, id);
    return listObject(data, hasMore);
  }

  async messages(id: string, page: PageQuery, call: UpstreamCall): Promise<ListObject<StoreMessage>> {
    const located = await this.locate(id, call);
    const segment = responseSegment(located.entry.responseId, id);
    const [response, items] = await Promise.all([
      this.fetch(located, () => this.upstream.retrieve(segment, call)),
      this.fetch(located, () => this.upstream.inputItems(segment, call)),
    ]);
    const all = toStoreMessages(id, response.instructions, located.entry.instructionsRole ?? 'system', items);
    if (page.order === 'desc') all.reverse();
    let start = 0;
    if (page.after !== undefined) {
      start = all.findIndex((message) => message.id === page.after) + 1;
      if (start === 0) return listObject([], false);
    }
    const data = all.slice(start, start + page.limit);
    return listObject(data, start + data.length < all.length);
  }

  /** Replaces the metadata (as the Chat API's update does); the upstream Response keeps its own. */
  async update(id: string, metadata: Record<string, string>, call: UpstreamCall, log: Logger): Promise<ChatCompletion> {
    const located = await this.locate(id, call);
    const responses = await this.responses(located, call);
    const entry = { ...located.entry, metadata };
    if (located.indexed) {
      if ((await this.index.update(located.scope, id, metadata)) === undefined) throw notFound(id);
    } else {
      // Found upstream by the caller's own key: indexed from now on, with its new metadata.
      const named = responses[0]!;
      entry.created = typeof named.created_at === 'number' ? named.created_at : Math.floor(Date.now() / 1000);
      entry.model = stringOr(named.model, '');
      await this.index.add(located.scope, entry);
    }
    return this.completion({ ...located, entry, indexed: true }, responses, call, log);
  }

  async delete(id: string, call: UpstreamCall): Promise<{ id: string; object: 'chat.completion.deleted'; deleted: true }> {
    const located = await this.locate(id, call);
    const segments = responseIds(located.entry).map((responseId) => responseSegment(responseId, id));
    const outcomes = await Promise.allSettled(segments.map((segment) => this.upstream.delete(segment, call)));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected' && !isNotFound(outcome.reason));
    // Another error first: the entry stays, so that the client can try again.
    if (failure) throw (failure as PromiseRejectedResult).reason;
    await this.index.remove(located.scope, id);
    // One of several choices already gone counts as deleted; all of them gone is a 404.
    if (outcomes.every((outcome) => outcome.status === 'rejected')) throw notFound(id);
    return { id, object: 'chat.completion.deleted', deleted: true };
  }

  private async locate(id: string, call: UpstreamCall): Promise<Located> {
    const scope = callerScope(call);
    const entry = await this.index.get(scope, id);
    if (entry) return { scope, entry, indexed: true };
    const suffix = /^chatcmpl-(.+)$/s.exec(id)?.[1];
    if (!this.settings.upstreamFallback || suffix === undefined) throw notFound(id);
    return { scope, entry: { id, responseId: `resp_${suffix}`, created: 0, model: '', metadata: {} }, indexed: false };
  }

  /** The Responses of every choice; an upstream 404 drops the entry and answers 404. */
  private responses(located: Located, call: UpstreamCall): Promise<UpstreamResponse[]> {
    return Promise.all(
      responseIds(located.entry).map((responseId) => this.fetch(located, () => this.upstream.retrieve(responseSegment(responseId, located.entry.id), call))),
    );
  }

  private async fetch<T>(located: Located, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Deleted elsewhere or expired upstream: the index forgets it too.
      if (located.indexed) await this.index.remove(located.scope, located.entry.id);
      throw notFound(located.entry.id);
    }
  }

  /** A listed entry, or undefined when its Response is gone (for the caller to forget). */
  private async loadListed(located: Located, call: UpstreamCall, log: Logger): Promise<ChatCompletion | undefined> {
    try {
      // Not forgotten here: the caller pages on from this entry.
      const responses = await this.responses({ ...located, indexed: false }, call);
      return this.completion({ ...located, indexed: true }, responses, call, log);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private completion(located: Located, responses: UpstreamResponse[], call: UpstreamCall, log: Logger): ChatCompletion {
    // Found upstream only: the metadata is the Response's (the request's metadata went there too).
    const entry = located.indexed ? located.entry : { ...located.entry, metadata: { ...stringValues(responses[0]?.metadata), ...located.entry.metadata } };
    try {
      return toStoredCompletion(entry, responses, this.settings.answerOptions);
    } catch (error) {
      throw unreadableUpstream(error, log, this.settings.redactor, call.authorization);
    }
  }
}

function responseIds(entry: StoredCompletion): string[] {
  return entry.choiceResponseIds ?? [entry.responseId];
}

function responseSegment(responseId: string, chatId: string): string {
  const segment = pathSegment(responseId);
  if (segment === undefined) throw notFound(chatId);
  return segment;
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function notFound(id: string): InvalidRequestError {
  return new InvalidRequestError(`No chat completion found with id '${id}'.`, { status: 404, param: null });
}

function stringValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, pairValue] of Object.entries(value)) if (typeof pairValue === 'string') out[key] = pairValue;
  return out;
}
