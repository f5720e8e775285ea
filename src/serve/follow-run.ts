/**
 * `stream: false` in the background: the run is created (it answers at once, `queued`), then
 * polled with `GET /responses/{id}` until it is finished, waiting longer between polls as it goes
 * on, all within UPSTREAM_TIMEOUT_MS. Polling rather than streaming: each poll is a short request
 * of its own, so a connection that drops (a load balancer's idle cut, a relay restarting) costs
 * one poll, not the run; the price is up to one poll interval of latency, nothing next to the
 * minutes such runs take. The final Response is translated as a foreground one would be.
 */
import { ClientGoneError, UpstreamError, UpstreamProtocolError } from '../errors.js';
import type { ResponsesRequest } from '../types/responses.js';
import type { UpstreamResponse } from '../types/responses-upstream.js';
import type { UpstreamCall } from '../upstream/call.js';
import { BackgroundRun, isTerminalStatus, type BackgroundEnvironment } from './background-run.js';
import { backgroundRequest } from './background-upstream.js';
import type { JsonReply, ResponsesUpstream } from './upstream-call.js';

/** Failed polls in a row (the upstream unreachable, a 5xx) before the run is given up. */
const POLL_FAILURES = 5;

export async function followRun(
  environment: BackgroundEnvironment,
  upstream: ResponsesUpstream,
  body: ResponsesRequest,
  call: UpstreamCall,
): Promise<JsonReply> {
  const startedAt = performance.now();
  const run = new BackgroundRun(environment, call, body.store);
  const reply = await upstream.createResponse(backgroundRequest(body), call);
  const id = reply.response.id;
  if (typeof id !== 'string') throw new UpstreamProtocolError('The upstream started a background run without an id.', 'upstream_protocol_error');
  run.started(id);
  run.sawStatus(reply.response.status);
  let outcome: 'answered' | 'failed' | 'client_gone' = 'failed';
  try {
    const response = isTerminalStatus(reply.response.status) ? reply.response : await pollToEnd(environment, run, id, body, call, startedAt);
    run.sawStatus(response.status);
    outcome = 'answered';
    return { response, headers: reply.headers };
  } catch (error) {
    if (call.presence.gone) outcome = 'client_gone';
    throw error;
  } finally {
    // Not awaited: the client's answer does not wait for the upstream's housekeeping.
    void run.settle(call.presence.gone ? 'client_gone' : outcome);
  }
}

async function pollToEnd(
  environment: BackgroundEnvironment,
  run: BackgroundRun,
  id: string,
  body: ResponsesRequest,
  call: UpstreamCall,
  startedAt: number,
): Promise<UpstreamResponse> {
  const { settings } = environment;
  // The poll asks for what the create asked to include (encrypted reasoning for continuity).
  const include = body.include ?? [];
  let wait = settings.pollFirstMs;
  let failures = 0;
  const clock = new PollClock(call);
  for (;;) {
    const left = settings.timeoutMs - (performance.now() - startedAt);
    if (left <= 0) {
      throw new UpstreamProtocolError(`The upstream background run did not finish within ${settings.timeoutMs} ms.`, 'upstream_timeout', { status: 504 });
    }
    await clock.pause(Math.min(wait, left));
    wait = Math.min(wait * 2, settings.pollMaxMs);
    let response: UpstreamResponse;
    try {
      response = await environment.upstream.retrieve(id, include, call);
    } catch (error) {
      if (call.presence.gone || !worthPollingAgain(error) || ++failures >= POLL_FAILURES) throw error;
      environment.log.warn({ responseId: id, error: error instanceof Error ? error.message : error }, 'background run poll failed; polling again');
      continue;
    }
    failures = 0;
    run.sawStatus(response.status);
    if (isTerminalStatus(response.status)) return response;
  }
}

/** A poll that failed for a reason that may pass: the upstream unreachable or cut off, a 5xx, a 429. */
function worthPollingAgain(error: unknown): boolean {
  if (error instanceof UpstreamError) return error.retryable;
  return error instanceof UpstreamProtocolError && error.code !== 'upstream_redirect';
}

/** The waits between polls, each ended early when the client goes (one listener for the whole run, however many polls). */
class PollClock {
  private wake: (() => void) | undefined;

  constructor(private readonly call: UpstreamCall) {
    call.presence.onGone(() => this.wake?.());
  }

  pause(ms: number): Promise<void> {
    if (this.call.presence.gone) return Promise.reject(new ClientGoneError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        reject(new ClientGoneError());
      };
    });
  }
}
