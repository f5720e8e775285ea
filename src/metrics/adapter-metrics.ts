import type { ServerResponse } from 'node:http';
import { ApiError, UPSTREAM_FAULT_CODES } from '../errors.js';
import type { TranslatedRequest } from '../translate/request.js';
import type { TokenUsage } from '../serve/request-outcome.js';
import { processMetrics } from './process-metrics.js';
import { Counter, Gauge, Histogram, Registry } from './registry.js';
import { BoundedLabel } from './bounded-label.js';

/** From a fast upstream answer to a long reasoning run. */
const SECONDS_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The adapter's own codes for upstream failures; any other failure is labelled by its HTTP status. */
const UPSTREAM_FAULTS: ReadonlySet<string | null> = new Set(UPSTREAM_FAULT_CODES);

export type RequestMode = 'stream' | 'json';

/** Times a stream from its start to its first output. */
export class StreamTracker {
  private readonly startedAt = performance.now();
  private outputSeen = false;

  constructor(private readonly timeToFirstToken: Histogram) {}

  /** Call whenever a choice has output; only the first call is timed. */
  outputStarted(): void {
    if (this.outputSeen) return;
    this.outputSeen = true;
    this.timeToFirstToken.observe({}, secondsSince(this.startedAt));
  }
}

/** Distinct model names counted by name; later ones are `other`, so a client cannot grow the series without bound. */
export const MODEL_LABELS = 50;

export interface AdapterMetricsOptions {
  /** Add the process's CPU, memory, event-loop and GC metrics to the exposition. */
  processMetrics?: boolean;
}

/**
 * The adapter's operations metrics, one set per app. Labels never hold keys, request ids or
 * content: only routes, modes, status classes, codes, parameter names and (for tokens) models,
 * all bounded.
 */
export class AdapterMetrics {
  private readonly registry = new Registry();
  private readonly process: { render(): string } | undefined;
  private readonly models = new BoundedLabel(MODEL_LABELS);
  private readonly requests = this.registry.register(
    new Counter(
      'chat_adapter_requests_total',
      'Client requests by route, mode (stream or json) and status class.',
      ['route', 'mode', 'status_class'],
    ),
  );
  private readonly requestDuration = this.registry.register(
    new Histogram(
      'chat_adapter_request_duration_seconds',
      'Time from a client request to the end of its answer.',
      ['route', 'mode'],
      SECONDS_BUCKETS,
    ),
  );
  private readonly upstreamDuration = this.registry.register(
    new Histogram(
      'chat_adapter_upstream_request_duration_seconds',
      'Time until the upstream answered with headers, by its HTTP status.',
      ['status'],
      SECONDS_BUCKETS,
    ),
  );
  private readonly timeToFirstToken = this.registry.register(
    new Histogram(
      'chat_adapter_time_to_first_token_seconds',
      'Time from the start of a stream to its first content, tool call or reasoning chunk.',
      [],
      SECONDS_BUCKETS,
    ),
  );
  private readonly upstreamErrors = this.registry.register(
    new Counter(
      'chat_adapter_upstream_errors_total',
      "Client requests failed by the upstream, by the adapter's error code or the upstream HTTP status.",
      ['code'],
    ),
  );
  private readonly clientDisconnects = this.registry.register(
    new Counter('chat_adapter_client_disconnects_total', 'Streams whose client closed the connection before the end.'),
  );
  private readonly parameterWarnings = this.registry.register(
    new Counter(
      'chat_adapter_parameter_warnings_total',
      'Chat parameters dropped or adjusted, by parameter name without indexes.',
      ['param'],
    ),
  );
  private readonly emulatedFeatures = this.registry.register(
    new Counter('chat_adapter_emulated_features_total', 'Requests using a Chat feature the adapter emulates.', ['feature']),
  );
  private readonly captured = this.registry.register(
    new Counter('chat_adapter_capture_records_total', 'Requests offered to CAPTURE_FILE, by what became of them (written, dropped, failed).', ['outcome']),
  );
  private readonly shadowed = this.registry.register(
    new Counter('chat_adapter_shadow_requests_total', 'Sampled requests for shadow mode, by outcome (compared, skipped at the cap, failed).', ['outcome']),
  );
  private readonly unknownEvents = this.registry.register(
    new Counter('chat_adapter_unknown_upstream_events_total', 'Upstream stream events of unknown types, ignored.'),
  );
  private readonly background = this.registry.register(
    new Counter(
      'chat_adapter_background_calls_total',
      'Background-mode calls on upstream runs, by action (started, cancel, delete, resume) and result (ok, failed).',
      ['action', 'result'],
    ),
  );
  private readonly openStreams = this.registry.register(new Gauge('chat_adapter_open_streams', 'Streams being served now.'));
  private readonly tokens = this.registry.register(
    new Counter('chat_adapter_tokens_total', 'Tokens the upstream reported, by model and type (input, output, cached, reasoning).', ['model', 'type']),
  );
  private readonly stateErrors = this.registry.register(
    new Counter(
      'chat_adapter_state_errors_total',
      'State store (Redis) operations that failed, by store and operation; reasoning continuity goes on without memory meanwhile.',
      ['store', 'operation'],
    ),
  );

  constructor(options: AdapterMetricsOptions = {}) {
    this.process = options.processMetrics ? processMetrics() : undefined;
  }

  render(): string {
    const text = this.registry.render();
    return this.process ? text + this.process.render() : text;
  }

  /** The tokens of one request: counted once, when its response closes. */
  countTokens(model: string, usage: TokenUsage): void {
    const label = this.models.of(model);
    this.tokens.inc({ model: label, type: 'input' }, usage.prompt);
    this.tokens.inc({ model: label, type: 'output' }, usage.completion);
    this.tokens.inc({ model: label, type: 'cached' }, usage.cached);
    this.tokens.inc({ model: label, type: 'reasoning' }, usage.reasoning);
  }

  requestEnded(route: string, mode: RequestMode, statusClass: string, seconds: number): void {
    this.requests.inc({ route, mode, status_class: statusClass });
    this.requestDuration.observe({ route, mode }, seconds);
  }

  /** Counts a request when its response closes; `route` and `mode` are read then. */
  countRequestOn(response: ServerResponse, route: string | (() => string), mode: () => RequestMode): void {
    const startedAt = performance.now();
    response.once('close', () => {
      const statusClass = response.writableFinished ? `${Math.floor(response.statusCode / 100)}xx` : 'client_closed';
      this.requestEnded(typeof route === 'string' ? route : route(), mode(), statusClass, secondsSince(startedAt));
      const outcome = response.outcome;
      if (outcome?.usage) this.countTokens(outcome.servedModel ?? outcome.model ?? 'unknown', outcome.usage);
    });
  }

  /** An upstream call started at `startedAt` (`performance.now()`) has its headers. */
  upstreamAnswered(status: number, startedAt: number): void {
    this.upstreamDuration.observe({ status: String(status) }, secondsSince(startedAt));
  }

  /** Counts the dropped or adjusted parameters and the emulated features of a request. */
  countTranslation({ warnings, context }: TranslatedRequest): void {
    for (const warning of warnings) this.parameterWarnings.inc({ param: parameterName(warning.param) });
    if (context.n > 1) this.emulatedFeatures.inc({ feature: 'n' });
    if (context.stop.length > 0) this.emulatedFeatures.inc({ feature: 'stop' });
    if (context.includeUsage) this.emulatedFeatures.inc({ feature: 'include_usage' });
  }

  /** Counts an error a request failed with, when the upstream caused it. */
  countUpstreamError(error: unknown): void {
    if (!(error instanceof ApiError) || error.fault !== 'upstream') return;
    const code = error.code !== null && UPSTREAM_FAULTS.has(error.code) ? error.code : String(error.status);
    this.upstreamErrors.inc({ code });
  }

  countCaptured(outcome: 'written' | 'dropped' | 'failed'): void {
    this.captured.inc({ outcome });
  }

  countShadow(outcome: 'compared' | 'skipped' | 'failed'): void {
    this.shadowed.inc({ outcome });
  }

  /** A background run started, or a cancel, delete or stream resumption of one, and how it went. */
  countBackground(action: 'started' | 'cancel' | 'delete' | 'resume', result: 'ok' | 'failed'): void {
    this.background.inc({ action, result });
  }

  /** A state store operation failed (`store` and `operation` are names from the code, bounded). */
  countStateError(store: string, operation: string): void {
    this.stateErrors.inc({ store, operation });
  }

  countUnknownEvents(count: number): void {
    if (count > 0) this.unknownEvents.inc({}, count);
  }

  /**
   * Counts an open stream until its response closes, and a disconnect when the client closed it.
   * One listener and one small object per stream: thousands may be open at once.
   */
  trackStream(response: ServerResponse): StreamTracker {
    if (response.closed) {
      this.clientDisconnects.inc({});
    } else {
      this.openStreams.add({}, 1);
      response.on('close', () => {
        this.openStreams.add({}, -1);
        if (!response.writableFinished) this.clientDisconnects.inc({});
      });
    }
    return new StreamTracker(this.timeToFirstToken);
  }
}

/**
 * `messages[3].name` -> `messages.name`: one label value per parameter, whatever the index. A path
 * with anything but parameter names in it (a key the client chose) is `other`, to stay bounded.
 */
export function parameterName(param: string): string {
  const name = param.replace(/\[\d+\]/g, '');
  return /^[a-z_]+(\.[a-z_]+)*$/.test(name) ? name : 'other';
}

export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
