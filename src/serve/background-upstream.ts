/**
 * Background mode's side of the pipeline: which runs go to the background, what it needs of the
 * upstream besides `POST /responses`, and its pace (polling, resuming, deleting).
 */
import type { ResponsesRequest } from '../types/responses.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { Presence, UpstreamCall } from '../upstream/call.js';
import type { StreamReply } from './upstream-call.js';

/** The calls on a stored run: retrieve, resume its events, cancel, delete. */
export interface BackgroundUpstream {
  retrieve(id: string, include: readonly string[], call: UpstreamCall): Promise<UpstreamResponse>;
  /** The run's events after `startingAfter` (a sequence number), then live to its end. */
  retrieveStream(id: string, startingAfter: number, call: UpstreamCall): Promise<StreamReply>;
  cancel(id: string, call: UpstreamCall): Promise<void>;
  delete(id: string, call: UpstreamCall): Promise<void>;
}

export interface BackgroundSettings {
  mode: 'off' | 'auto' | 'on';
  /** Under `auto`, the upstream model names (after MODEL_ALIASES) run in the background. */
  models: RegExp;
  /** A non-stream run is followed to its end within this time (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  /** First wait before polling a run, doubled after each poll up to `pollMaxMs`. */
  pollFirstMs: number;
  pollMaxMs: number;
  /** Resumptions of a broken stream in a row without a new event, waiting `resumeBackoffMs` × 4^k before each. */
  resumeAttempts: number;
  resumeBackoffMs: number;
  /** Tries of a DELETE, waiting `deleteBackoffMs` × 4^k before each retry. */
  deleteAttempts: number;
  deleteBackoffMs: number;
}

/**
 * The pace: a first poll soon (a short run answers quickly), then less often, 5 s at most (a pro
 * model's minutes are not lengthened by more than that); a dropped stream resumed at once, then
 * after 0.4 s and 1.6 s; a failed delete retried after 0.5 s and 2 s.
 */
export const BACKGROUND_PACE = {
  pollFirstMs: 250,
  pollMaxMs: 5000,
  resumeAttempts: 3,
  resumeBackoffMs: 100,
  deleteAttempts: 3,
  deleteBackoffMs: 500,
} as const;

export function runsInBackground(settings: Pick<BackgroundSettings, 'mode' | 'models'> | undefined, model: string): boolean {
  if (!settings || settings.mode === 'off') return false;
  return settings.mode === 'on' || settings.models.test(model);
}

/** The request as a background run: always stored upstream (the API requires it; the adapter deletes it later when the client did not ask). */
export function backgroundRequest(request: ResponsesRequest): ResponsesRequest {
  return { ...request, background: true, store: true };
}

/** A presence that never goes: cancel and delete must reach the upstream after the client has left. */
export const DETACHED: Presence = { gone: false, onGone() {} };

/** The same call, for requests that must outlive the client's. */
export function detached(call: UpstreamCall): UpstreamCall {
  return { ...call, presence: DETACHED, outcome: undefined };
}
