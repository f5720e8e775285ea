/** What an upstream call knows of the client request it serves, and how it hears that the client left. */
import type { RequestOutcome } from '../serve/request-outcome.js';
import type { Presence } from './transport.js';

export type { BodyConsumer, BodyControl, Presence } from './transport.js';

export interface UpstreamCall {
  /** The client's Authorization header, used when no upstream key is configured. */
  authorization: string | undefined;
  /** Client headers forwarded when the client's own key is used (organization, project). */
  forwardedHeaders: Record<string, string>;
  requestId: string;
  presence: Presence;
  /** What the request came to, filled along the way for its log line (shared by every call of a request). */
  outcome?: RequestOutcome;
}

/**
 * The presence of a group of calls that serve one request: gone when the client goes, or when
 * the group is cancelled (one of several choices failed: its siblings stop too).
 */
export class CallScope implements Presence {
  private ended = false;
  private listeners: Array<() => void> | undefined;

  constructor(parent: Presence) {
    if (parent.gone) this.ended = true;
    else parent.onGone(() => this.cancel());
  }

  get gone(): boolean {
    return this.ended;
  }

  onGone(listener: () => void): void {
    if (this.ended) return;
    (this.listeners ??= []).push(listener);
  }

  cancel(): void {
    if (this.ended) return;
    this.ended = true;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) listener();
  }

  /** The same call, in this scope. */
  of(call: UpstreamCall): UpstreamCall {
    return { ...call, presence: this };
  }
}

/**
 * The headers of an upstream request: the operator's key when there is one, otherwise the
 * client's own Authorization with its organization and project. Nothing else of the client's
 * request goes upstream.
 */
export function upstreamHeaders(apiKey: string | undefined, call: UpstreamCall, accept: string): Record<string, string> {
  const headers: Record<string, string> = { accept, 'x-client-request-id': call.requestId };
  if (apiKey) {
    headers.authorization = `Bearer ${apiKey}`;
  } else {
    if (call.authorization) headers.authorization = call.authorization;
    Object.assign(headers, call.forwardedHeaders);
  }
  return headers;
}
