import { createHash } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { ResponsesRequest } from '../types/responses.js';
import { objectsIn } from '../translate/lenient.js';
import type { UpstreamOutputItem, UpstreamResponse } from '../types/responses-upstream.js';
import { DEFAULT_REASONING_MODELS } from '../config.js';
import type { StateStore } from '../state/store.js';
import { reasoningByCallId, withReplayedReasoning, type RememberedReasoning } from './replay.js';

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';


export interface PreparedRequest {
  request: ResponsesRequest;
  /** Reasoning items put back from earlier answers. */
  replayed: number;
  /** Whose memory this request reads and writes; unset when continuity does not apply. */
  scope?: string;
}

/** Who is calling, as far as the adapter can tell: the credential presented and the account headers. */
export interface Caller {
  authorization: string | undefined;
  forwardedHeaders: Record<string, string>;
}

/**
 * The caller's memory scope: a hash of the key it presented (an adapter key, or its own upstream
 * key) and its organization and project, never the key itself. One tenant cannot name another's
 * tool call ids and get its reasoning replayed, even though one upstream key would decrypt it.
 * Callers that present nothing share one scope (they share the operator's key too).
 */
export function callerScope(caller: Caller): string {
  const hash = createHash('sha256').update('reasoning-scope\0').update(caller.authorization ?? '');
  for (const name of ['openai-organization', 'openai-project']) hash.update('\0').update(caller.forwardedHeaders[name] ?? '');
  return hash.digest('base64url');
}

/** The store key of one remembered group: caller, model and tool call id. */
function memoryKey(scope: string, model: string, callId: string): string {
  return `${scope}:${model}:${callId}`;
}

/**
 * Keeps a reasoning model's reasoning across a Chat client's tool loop (see replay.ts): asks the
 * upstream for encrypted reasoning, remembers it by tool call id, and puts it back on the next turn.
 * Models that refuse encrypted reasoning are remembered and not asked again.
 */
export class ReasoningContinuity {
  private readonly refusingModels = new Set<string>();

  constructor(
    private readonly store: StateStore<RememberedReasoning>,
    private readonly reasoningModels: RegExp = DEFAULT_REASONING_MODELS,
    private readonly enabled = true,
  ) {}

  /** Sends the prepared request; on a 400 that `retryWithout` explains, sends the fallback once. */
  async send<T>(prepared: PreparedRequest, original: ResponsesRequest, call: (request: ResponsesRequest) => Promise<T>): Promise<T> {
    try {
      return await call(prepared.request);
    } catch (error) {
      const retry = error instanceof ApiError ? this.retryWithout(prepared, original, error) : undefined;
      if (!retry) throw error;
      return call(retry);
    }
  }

  /** The request as it would go upstream for a caller with nothing remembered (the dry run). */
  withoutMemory(request: ResponsesRequest): ResponsesRequest {
    if (!this.applies(request.model)) return request;
    return { ...request, include: [...(request.include ?? []), ENCRYPTED_REASONING] };
  }

  /**
   * The upstream request with encrypted reasoning asked for and the caller's remembered reasoning
   * put back.
   */
  async prepare(request: ResponsesRequest, caller: Caller): Promise<PreparedRequest> {
    if (!this.applies(request.model)) return { request, replayed: 0 };
    const scope = callerScope(caller);
    const keys: string[] = [];
    for (const item of request.input) {
      if (item.type === 'function_call' || item.type === 'custom_tool_call') keys.push(memoryKey(scope, request.model, item.call_id));
    }
    const remembered = keys.length > 0 ? await this.store.getAll(keys) : new Map<string, RememberedReasoning>();
    // Nothing remembered: the input as it is (no copy of a long one).
    const { input, replayed } =
      remembered.size > 0
        ? withReplayedReasoning(request.input, request.model, (callId) => remembered.get(memoryKey(scope, request.model, callId)))
        : { input: request.input, replayed: 0 };
    return {
      request: { ...request, input, include: [...(request.include ?? []), ENCRYPTED_REASONING] },
      replayed,
      scope,
    };
  }

  /** Remembers the reasoning of a finished answer, in the scope of the caller that asked for it. */
  async capture(prepared: PreparedRequest, response: UpstreamResponse): Promise<void> {
    const { scope, request } = prepared;
    if (scope === undefined || !this.applies(request.model)) return;
    // Read leniently, as the translators do: an output entry that is not an object is skipped.
    const entries = reasoningByCallId(objectsIn<UpstreamOutputItem>(response.output), request.model);
    if (entries.size === 0) return;
    const keyed = new Map<string, RememberedReasoning>();
    for (const [callId, value] of entries) keyed.set(memoryKey(scope, request.model, callId), value);
    await this.store.putAll(keyed);
  }

  /**
   * After an upstream 400, the request to try once more, or undefined. A model that refuses
   * encrypted reasoning is asked without it (and remembered); replayed reasoning the upstream
   * cannot use is dropped rather than failing the client's turn.
   */
  retryWithout(prepared: PreparedRequest, original: ResponsesRequest, error: ApiError): ResponsesRequest | undefined {
    if (error.status !== 400 || prepared.request === original) return undefined;
    if (error.param === 'include' || /encrypted content/i.test(error.message)) {
      this.refusingModels.add(original.model);
      return original;
    }
    if (prepared.replayed > 0) return { ...prepared.request, input: original.input };
    return undefined;
  }

  private applies(model: string): boolean {
    return this.enabled && this.reasoningModels.test(model) && !this.refusingModels.has(model);
  }
}
