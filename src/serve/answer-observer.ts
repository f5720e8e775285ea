import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { UpstreamCall } from '../upstream/call.js';
import type { ChatPlan } from './upstream-call.js';

/** A request answered in full and well, as the pipeline saw it before the client had its last byte. */
export interface CompletedAnswer {
  plan: ChatPlan;
  call: UpstreamCall;
  /** The Chat id the client was given. */
  chatId: string;
  /** The finished Response of every choice, in choice order. */
  responses: UpstreamResponse[];
}

/**
 * Told of every answer that completed well (the stored-completions index listens). Awaited before
 * the answer's end is written, so a client that asks right after finds what it was told of; it
 * must not throw: a failure to observe is the observer's to log, never the client's.
 */
export interface AnswerObserver {
  answered(answer: CompletedAnswer): Promise<void>;
}
