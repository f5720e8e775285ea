/**
 * Background runs as the Responses API keeps them (REFERENCE §5.3, §6.1; the recordings
 * `background-*` in shared/fixtures/responses-upstream/), switched on per fake with its
 * `background` option:
 *
 * - `POST /v1/responses` with `background: true` answers at once: the Response `queued`
 *   (non-stream), or a stream from `response.created` (status `queued`) and `response.queued`.
 *   The run then moves on by itself, one step every `stepMs`: `in_progress`, each output event,
 *   the terminal event. It goes on whether or not anyone is connected.
 * - `background: true` with `store: false` is refused: background runs are always stored.
 * - `GET /v1/responses/{id}` answers the current state; with `stream=true&starting_after=N` it
 *   replays the events after N, then follows the run live to its end.
 * - `POST /v1/responses/{id}/cancel` cancels a run not yet finished (a finished one is answered as
 *   it is); a stored foreground response cannot be cancelled (400).
 * - `DELETE /v1/responses/{id}` answers the deleted object; the id is then 404 everywhere.
 * - Every event carries its `sequence_number`; background streams carry no `obfuscation`.
 * - Faults: each stream connection of a run (0 = the create, then each resume) can be dropped or
 *   stalled after K events, or refused with a status; DELETE can fail a number of times.
 */
import type { ServerResponse } from 'node:http';
import { responseStreamEvents } from './stream-events.js';
import { errorBody, responseNotFoundError, type RequestError } from './request-validation.js';

/** What happens to one stream connection of a run. */
export type StreamFault =
  | { dropAfter: number }
  | { stallAfter: number }
  | { status: number };

export interface BackgroundOptions {
  /** Time between two steps of a run (queued → in_progress → each event → terminal), default 10 ms. */
  stepMs?: number;
  /** By connection: index 0 is the create's stream, then each `GET ?stream=true` in order. */
  streamFaults?: Array<StreamFault | undefined>;
  /** This many DELETE calls fail with a 500 before they succeed. */
  deleteFailures?: number;
}

/** A connection the runs write to: the server's response, and how the fake ends it. */
export interface StreamTarget {
  response: ServerResponse;
  isClosed(): boolean;
  closed: Promise<void>;
  /** Cuts the connection (the client sees a broken body). */
  destroy(): void;
}

export type RunAnswer = { status: number; body: unknown } | { stream: (target: StreamTarget) => Promise<void> };

interface Run {
  id: string;
  streamed: boolean;
  /** Every event of the run, numbered, computed when it is created; `revealed` of them have happened. */
  events: Array<Record<string, unknown>>;
  revealed: number;
  status: string;
  /** The Response as GET shows it now. */
  current: Record<string, unknown>;
  final: Record<string, unknown>;
  connections: number;
  timer: NodeJS.Timeout | undefined;
  followers: Set<() => void>;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'incomplete']);

export class BackgroundRuns {
  private readonly runs = new Map<string, Run>();
  /** Stored foreground responses: they can be read and deleted, not cancelled. */
  private readonly foreground = new Map<string, Record<string, unknown>>();
  private readonly deleted = new Set<string>();
  private readonly created: string[] = [];
  private deleteFailuresLeft: number;

  constructor(private options: BackgroundOptions = {}) {
    this.deleteFailuresLeft = options.deleteFailures ?? 0;
  }

  /** Changes the pace or the faults for runs and calls from now on. */
  configure(options: BackgroundOptions): void {
    this.options = { ...this.options, ...options };
    if (options.deleteFailures !== undefined) this.deleteFailuresLeft = options.deleteFailures;
  }

  /** The status of a run (or a stored response) now, undefined once deleted or never known. */
  statusOf(id: string): string | undefined {
    return this.runs.get(id)?.status ?? (this.foreground.get(id)?.status as string | undefined);
  }

  /** Ids of the runs created so far, in order (deleted ones too). */
  ids(): string[] {
    return [...this.created];
  }

  /** The create body's error, when background mode refuses it. */
  refusal(body: Record<string, any>): RequestError | undefined {
    if (body.background === true && body.store === false) {
      return { status: 400, message: "Background responses must be stored: 'store' cannot be false with 'background' true.", param: 'store', code: 'invalid_value' };
    }
    return undefined;
  }

  /** Starts a run from the events (or Response) the fake would have answered in the foreground. */
  create(body: Record<string, any>, reply: { events?: Array<Record<string, unknown>>; response?: Record<string, any> }): RunAnswer {
    const events = backgroundEvents(reply.events ?? responseStreamEvents(reply.response ?? {}, new Map()));
    const created = events[0]!.response as Record<string, unknown>;
    const final = (events.at(-1)!.response ?? created) as Record<string, unknown>;
    const run: Run = {
      id: String(created.id),
      streamed: body.stream === true,
      events,
      // created and queued have happened when the answer leaves.
      revealed: 2,
      status: 'queued',
      current: created,
      final,
      connections: 0,
      timer: undefined,
      followers: new Set(),
    };
    this.runs.set(run.id, run);
    this.created.push(run.id);
    this.schedule(run);
    if (!run.streamed) return { status: 200, body: created };
    return { stream: (target) => this.follow(run, -1, target) };
  }

  /** A stored foreground response the fake answered, for later GET, cancel and DELETE. */
  rememberForeground(response: Record<string, unknown>): void {
    if (typeof response.id === 'string' && response.store !== false) this.foreground.set(response.id, response);
  }

  /** GET, cancel or DELETE of `id`; undefined when the id is not the runs' (the fake's queue answers it). */
  answer(method: string, id: string, action: 'cancel' | undefined, query: URLSearchParams): RunAnswer | undefined {
    if (this.deleted.has(id)) return notFound(id);
    const run = this.runs.get(id);
    const stored = this.foreground.get(id);
    if (!run && !stored) return undefined;
    if (action === 'cancel') {
      if (!run) return error({ status: 400, message: 'Cannot cancel a synchronous response.', param: null, code: null });
      this.cancel(run);
      return { status: 200, body: run.current };
    }
    if (method === 'DELETE') {
      if (this.deleteFailuresLeft > 0) {
        this.deleteFailuresLeft--;
        return serverError(500);
      }
      if (run) this.stop(run);
      this.runs.delete(id);
      this.foreground.delete(id);
      this.deleted.add(id);
      return { status: 200, body: { id, object: 'response.deleted', deleted: true } };
    }
    if (query.get('stream') === 'true') {
      if (!run || !run.streamed) {
        return error({ status: 400, message: 'This response was not created with stream=true: it cannot be streamed.', param: 'stream', code: null });
      }
      const after = Number(query.get('starting_after') ?? '-1');
      return { stream: (target) => this.follow(run, Number.isFinite(after) ? after : -1, target) };
    }
    return { status: 200, body: run ? run.current : stored };
  }

  /** Stops every run's clock (the fake is closing). */
  close(): void {
    for (const run of this.runs.values()) this.stop(run);
  }

  private schedule(run: Run): void {
    run.timer = setTimeout(() => this.advance(run), this.options.stepMs ?? 10);
  }

  private advance(run: Run): void {
    run.timer = undefined;
    if (TERMINAL.has(run.status)) return;
    const event = run.events[run.revealed++]!;
    const snapshot = event.response as Record<string, unknown> | undefined;
    if (snapshot !== undefined) {
      run.current = snapshot;
      run.status = String(snapshot.status);
    }
    this.wake(run);
    if (run.revealed < run.events.length && !TERMINAL.has(run.status)) this.schedule(run);
  }

  private cancel(run: Run): void {
    if (TERMINAL.has(run.status)) return;
    this.stop(run);
    run.status = 'cancelled';
    run.current = { ...run.current, status: 'cancelled' };
    this.wake(run);
  }

  private stop(run: Run): void {
    clearTimeout(run.timer);
    run.timer = undefined;
  }

  private wake(run: Run): void {
    for (const follower of [...run.followers]) follower();
  }

  /** Writes the run's events after `after` as they happen, with this connection's fault, to the end. */
  private async follow(run: Run, after: number, target: StreamTarget): Promise<void> {
    const fault = this.options.streamFaults?.[run.connections++];
    const { response } = target;
    if (fault !== undefined && 'status' in fault) {
      const { body } = serverError(fault.status);
      response.writeHead(fault.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'openai-version': '2020-10-01' });
    response.flushHeaders();
    let next = after + 1;
    let written = 0;
    for (;;) {
      while (next < run.revealed) {
        if (target.isClosed()) return;
        if (fault !== undefined && 'dropAfter' in fault && written >= fault.dropAfter) return dropAfterFlush(target);
        if (fault !== undefined && 'stallAfter' in fault && written >= fault.stallAfter) return target.closed;
        const event = run.events[next++]!;
        response.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
        written++;
      }
      if (run.revealed >= run.events.length || TERMINAL.has(run.status)) break;
      // A fault after more events than the run has yet: it comes when they do.
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          run.followers.delete(wake);
          resolve();
        };
        run.followers.add(wake);
        void target.closed.then(wake);
      });
      if (target.isClosed()) return;
    }
    if (fault !== undefined && 'dropAfter' in fault && written >= fault.dropAfter) return dropAfterFlush(target);
    // A cancelled run's stream just ends (there is no terminal event for it); so does a finished one's.
    response.end();
  }
}

/**
 * A foreground event list as the same run gives it in the background: `response.created` says
 * `queued` and a `response.queued` follows, every snapshot says `background: true, store: true`,
 * deltas carry no obfuscation, and events are numbered from 0.
 */
function backgroundEvents(foreground: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const withFlags = (response: unknown): Record<string, unknown> => ({ ...(response as Record<string, unknown>), background: true, store: true });
  const events: Array<Record<string, unknown>> = [];
  for (const event of foreground) {
    const copy: Record<string, unknown> = { ...event };
    delete copy.obfuscation;
    if (copy.response !== undefined) copy.response = withFlags(copy.response);
    if (copy.type === 'response.created') {
      const queued = { ...(copy.response as Record<string, unknown>), status: 'queued' };
      events.push({ ...copy, response: queued }, { type: 'response.queued', response: queued });
      continue;
    }
    events.push(copy);
  }
  // `type` then `sequence_number` first, as on the wire.
  return events.map((event, index) => Object.assign({ type: event.type, sequence_number: index }, event, { sequence_number: index }));
}

function notFound(id: string): RunAnswer {
  return error(responseNotFoundError(id));
}

function error(requestError: RequestError): RunAnswer {
  return { status: requestError.status, body: errorBody(requestError) };
}

/** The API's own 5xx body. */
function serverError(status: number): { status: number; body: unknown } {
  return { status, body: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } } };
}

/** Cuts the connection once what was written has left (a destroy alone may discard it): the client has exactly K events. */
function dropAfterFlush(target: StreamTarget): Promise<void> {
  return new Promise((resolve) => {
    target.response.write('', () => {
      target.destroy();
      resolve();
    });
  });
}
