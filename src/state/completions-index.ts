/**
 * The index of stored chat completions (`store: true`), by caller: what `GET /v1/chat/completions`
 * lists and what proves that a stored completion belongs to the caller asking for it. The upstream
 * holds the Response itself (`chatcmpl-<id>` names `resp_<id>`); on a shared upstream key it would
 * hand any tenant's Response to anyone, so the adapter answers only for ids in the caller's index.
 * In memory (one process) or in Redis (replicas); both implement this contract:
 *
 * - `scope` is a caller scope (a hash, never a key); entries of one scope are invisible to another.
 * - `list` orders by `created` then `id` (ascending for `asc`), `after` is an id of the same scope
 *   (an unknown `after` gives an empty page), `model` matches exactly either the model that answered
 *   or the one the client asked for (`requestedModel`), `metadata` matches when every
 *   pair given is present with the same value; `hasMore` says whether more entries match after the page.
 * - `update` replaces the metadata wholesale (as Chat Completions' update does) and returns the entry.
 */
export interface StoredCompletion {
  /** The Chat id, `chatcmpl-…`. */
  id: string;
  /** The upstream Response id it was made from, `resp_…`. */
  responseId: string;
  /** Unix seconds. */
  created: number;
  /** The model that answered, as the upstream named it (what the completion shows). */
  model: string;
  metadata: Record<string, string>;
  /** The model as the client asked for it (before MODEL_ALIASES), when it differs from `model`. */
  requestedModel?: string;
  /**
   * With `n` > 1, the Response of every choice in choice order (each choice is one upstream call);
   * `responseId` is the one the Chat id was made from.
   */
  choiceResponseIds?: string[];
  /** How the answer was shaped, so that a retrieve shows what the client was answered. */
  stop?: string[];
  logprobs?: boolean;
  legacyFunctions?: boolean;
  /** The role of the leading system/developer messages, which became the Response's `instructions`. */
  instructionsRole?: 'system' | 'developer';
}

export interface CompletionsQuery {
  model?: string;
  metadata?: Record<string, string>;
  after?: string;
  /** 1 to 100. */
  limit: number;
  order: 'asc' | 'desc';
}

export interface CompletionsPage {
  data: StoredCompletion[];
  hasMore: boolean;
}

export interface CompletionsIndex {
  add(scope: string, entry: StoredCompletion): Promise<void>;
  get(scope: string, id: string): Promise<StoredCompletion | undefined>;
  /** The updated entry, or undefined when the scope has no such id. */
  update(scope: string, id: string, metadata: Record<string, string>): Promise<StoredCompletion | undefined>;
  /** Whether the scope had the id. */
  remove(scope: string, id: string): Promise<boolean>;
  list(scope: string, query: CompletionsQuery): Promise<CompletionsPage>;
}

/** Sort key of the list order. */
export function compareStored(a: StoredCompletion, b: StoredCompletion): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function matchesQuery(entry: StoredCompletion, query: CompletionsQuery): boolean {
  if (query.model !== undefined && entry.model !== query.model && entry.requestedModel !== query.model) return false;
  if (query.metadata) {
    for (const [key, value] of Object.entries(query.metadata)) if (entry.metadata[key] !== value) return false;
  }
  return true;
}
