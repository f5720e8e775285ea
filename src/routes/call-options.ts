import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Presence, UpstreamCall } from '../upstream/call.js';

/** Client headers passed upstream when the client's own key is used. */
const FORWARDED_HEADERS = ['openai-organization', 'openai-project'] as const;

/** Gone when the client's response closes before it was finished: one listener per request. */
class ResponsePresence implements Presence {
  gone = false;
  private listeners: Array<() => void> | undefined;

  constructor(response: ServerResponse) {
    response.once('close', () => {
      if (response.writableFinished) return;
      this.gone = true;
      const listeners = this.listeners ?? [];
      this.listeners = undefined;
      for (const listener of listeners) listener();
    });
  }

  onGone(listener: () => void): void {
    if (!this.gone) (this.listeners ??= []).push(listener);
  }
}

/** Upstream call facts for this client request. */
export function upstreamCallFor(request: IncomingMessage, response: ServerResponse, requestId: string): UpstreamCall {
  const forwardedHeaders: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') forwardedHeaders[name] = value;
  }
  // Read by the request's log line and the token metrics when the response closes.
  const outcome = (response.outcome = {});
  return {
    authorization: request.headers.authorization,
    forwardedHeaders,
    requestId,
    presence: new ResponsePresence(response),
    outcome,
  };
}
