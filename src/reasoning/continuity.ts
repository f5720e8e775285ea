import { HttpError } from '../http/errors.js';
import type { ResponsesRequest, UpstreamResponse } from '../types/responses.js';
import type { ReasoningStore } from './memory-store.js';
import { reasoningByCallId, withReplayedReasoning } from './replay.js';

const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** Models that reason by default: o-series, gpt-5 (not its chat variants), codex, gpt-oss. */
export const DEFAULT_REASONING_MODELS = /(^|[/:])(o\d|gpt-5(?!.*chat)|gpt-oss|[\w.-]*codex)/i;

export interface PreparedRequest {
  request: ResponsesRequest;
  /** Reasoning items put back from earlier answers. */
  replayed: number;
}

/**
 * Keeps a reasoning model's reasoning across a Chat client's tool loop (see replay.ts): asks the
 * upstream for encrypted reasoning, remembers it by tool call id, and puts it back on the next turn.
 * Models that refuse encrypted reasoning are remembered and not asked again.
 */
export class ReasoningContinuity {
  private readonly refusingModels = new Set<string>();

  constructor(
    private readonly store: ReasoningStore,
    private readonly reasoningModels: RegExp = DEFAULT_REASONING_MODELS,
    private readonly enabled = true,
  ) {}

  /** Sends the prepared request; on a 400 that `retryWithout` explains, sends the fallback once. */
  async send<T>(prepared: PreparedRequest, original: ResponsesRequest, call: (request: ResponsesRequest) => Promise<T>): Promise<T> {
    try {
      return await call(prepared.request);
    } catch (error) {
      const retry = error instanceof HttpError ? this.retryWithout(prepared, original, error) : undefined;
      if (!retry) throw error;
      return call(retry);
    }
  }

  /** The upstream request with encrypted reasoning asked for and remembered reasoning put back. */
  async prepare(request: ResponsesRequest): Promise<PreparedRequest> {
    if (!this.applies(request.model)) return { request, replayed: 0 };
    const callIds = request.input.flatMap((item) =>
      item.type === 'function_call' || item.type === 'custom_tool_call' ? [item.call_id] : [],
    );
    const remembered = callIds.length > 0 ? await this.store.recall(callIds) : new Map();
    const { input, replayed } = withReplayedReasoning(request.input, request.model, (callId) => remembered.get(callId));
    return {
      request: { ...request, input, include: [...(request.include ?? []), ENCRYPTED_REASONING] },
      replayed,
    };
  }

  /** Remembers the reasoning of a finished answer. */
  async capture(model: string, response: UpstreamResponse): Promise<void> {
    if (!this.applies(model) || !Array.isArray(response.output)) return;
    const entries = reasoningByCallId(response.output, model);
    if (entries.size > 0) await this.store.remember(entries);
  }

  /**
   * After an upstream 400, the request to try once more, or undefined. A model that refuses
   * encrypted reasoning is asked without it (and remembered); replayed reasoning the upstream
   * cannot use is dropped rather than failing the client's turn.
   */
  retryWithout(prepared: PreparedRequest, original: ResponsesRequest, error: HttpError): ResponsesRequest | undefined {
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
