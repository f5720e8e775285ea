import type { Request, Response } from 'express';
import type { CallOptions } from '../upstream/client.js';

/** Client headers passed upstream when the client's own key is used. */
const FORWARDED_HEADERS = ['openai-organization', 'openai-project'] as const;

/** Upstream call options for this client request; the signal aborts when the client goes away. */
export function callOptionsFor(request: Request, response: Response, controller = new AbortController()): CallOptions {
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  const forwardedHeaders: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') forwardedHeaders[name] = value;
  }
  return {
    authorization: request.headers.authorization,
    forwardedHeaders,
    requestId: String(request.id),
    signal: controller.signal,
  };
}
