import { z } from 'zod';
import { adapterAuth, checkAdapterAuth, corsOrigins, passthroughDeny, passthroughRoutes, type AdapterAuth, type RoutePrefixes } from './config-access.js';
import { aliases, baseUrl, checked, flag, fraction, host, integer, oneOf, pattern, port, redisUrl, secret, secretList, size, text, variable, type ProblemParams } from './config-variables.js';
import type { ReasoningField } from './translate/chat-envelope.js';

/** Models that reason by default: o-series, gpt-5 (not its chat variants), codex, gpt-oss. */
export const DEFAULT_REASONING_MODELS = /(^|[/:])(o\d|gpt-5(?!.*chat)|gpt-oss|[\w.-]*codex)/i;

/**
 * Models run in the background under BACKGROUND=auto: the ones that think for many minutes, pro
 * and deep research (`o3-pro`, `gpt-5-pro-2025-10-06`, `o4-mini-deep-research`). Not codex: its
 * calls are a coding agent's many short turns, and a background run is stored upstream for a while.
 */
export const DEFAULT_BACKGROUND_MODELS = /(-pro|deep-research)(?=$|[-.:@])/i;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable the service reads, in one schema: a bad value stops the start with
 * one line per variable naming it, its problem and an example. Unset or empty means the default.
 */
export const ENVIRONMENT = z.object({
  PORT: port(8080),
  HOST: host('127.0.0.1'),
  UPSTREAM_BASE_URL: baseUrl('https://api.openai.com/v1'),
  UPSTREAM_API_KEY: secret('sk-your-key'),
  ADAPTER_API_KEYS: secretList('key-one,key-two'),
  STRICT_PARAMS: flag(false),
  // Zero would time every call out at once.
  UPSTREAM_TIMEOUT_MS: integer(600_000, { min: 1 }),
  STREAM_IDLE_TIMEOUT_MS: integer(300_000, { min: 1 }),
  STREAM_HEARTBEAT_MS: integer(15_000),
  BACKGROUND: oneOf(['off', 'auto', 'on'], 'auto', 'off'),
  BACKGROUND_MODELS: pattern(DEFAULT_BACKGROUND_MODELS, '-pro$|deep-research|codex'),
  UPSTREAM_RETRIES: integer(1),
  MAX_CHOICES: integer(8, { min: 1, max: 128 }),
  MODEL_ALIASES: aliases('gpt-4o=gpt-5-mini'),
  REASONING_CONTENT: flag(true),
  REASONING_FIELD: oneOf(['reasoning_content', 'reasoning'], 'reasoning_content'),
  REASONING_SUMMARY: oneOf(['auto', 'concise', 'detailed', 'off'], 'off', 'auto'),
  REASONING_CONTINUITY: flag(true),
  REASONING_MODELS: pattern(DEFAULT_REASONING_MODELS, '^(o\\d|gpt-5)'),
  REASONING_CACHE_MB: integer(64, { min: 1 }),
  REASONING_CACHE_TTL_S: integer(3600, { min: 1 }),
  BODY_LIMIT: size('25mb', '25mb'),
  BODY_TIMEOUT_MS: integer(30_000, { min: 1 }),
  STREAM_EVENT_LIMIT: size('16mb', '16mb'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info', 'debug'),
  METRICS: flag(true),
  SHUTDOWN_GRACE_MS: integer(8000),
  REDIS_URL: redisUrl('redis://redis:6379'),
  WORKERS: integer(1, { min: 1, max: 256 }),
  CAPTURE_FILE: text(undefined),
  CAPTURE_SAMPLE: fraction(1),
  CAPTURE_REDACT: oneOf(['none', 'content'], 'none'),
  CAPTURE_MAX_MB: integer(100, { min: 1 }),
  SHADOW_CHAT_BASE_URL: baseUrl(undefined, { example: 'https://api.openai.com/v1', key: 'SHADOW_CHAT_API_KEY' }),
  SHADOW_CHAT_API_KEY: secret('sk-your-key'),
  SHADOW_SAMPLE: fraction(0.1),
  SHADOW_CONCURRENCY: integer(4, { min: 1 }),
  SHADOW_FILE: text('shadow.jsonl'),
  ADAPTER_AUTH: checked('ADAPTER_AUTH', adapterAuth, 'none'),
  PASSTHROUGH_ROUTES: checked('PASSTHROUGH_ROUTES', passthroughRoutes, '/v1/embeddings,/v1/files'),
  PASSTHROUGH_DENY: checked('PASSTHROUGH_DENY', passthroughDeny, '/v1/files'),
  CORS_ORIGINS: checked('CORS_ORIGINS', corsOrigins, 'https://chat.example.com'),
  MAX_CONCURRENT_UPSTREAM: integer(256, { min: 1 }),
});

/** Service configuration, read once from the environment. */
export interface Config {
  port: number;
  /** Interface to bind; undefined binds all interfaces. */
  host: string | undefined;
  upstreamBaseUrl: string;
  upstreamApiKey: string | undefined;
  /** Keys clients must present; empty means the adapter is open (and forwards the client's key). */
  adapterApiKeys: string[];
  strictParams: boolean;
  /** Time allowed for the upstream to answer (headers, and the whole body when not streaming). */
  upstreamTimeoutMs: number;
  /** A stream with no upstream event for this long is ended with an error. */
  streamIdleTimeoutMs: number;
  /**
   * A stream with nothing to send for this long gets its headers and then `: keepalive` comments, so
   * proxies do not cut a reasoning model's silence; 0 turns it off.
   */
  streamHeartbeatMs: number;
  /** Which upstream runs are background runs: none, those of `backgroundModels`, or all. */
  background: 'off' | 'auto' | 'on';
  /** The models run in the background under `auto`, matched on the upstream model name. */
  backgroundModels: RegExp;
  /** Retries of an upstream call that failed before any response arrived (connection errors). */
  upstreamRetries: number;
  /** Largest `n` served (each choice is one upstream call). */
  maxChoices: number;
  reasoningContent: boolean;
  reasoningField: ReasoningField;
  reasoningSummary: 'auto' | 'concise' | 'detailed' | undefined;
  /** Keep reasoning models' encrypted reasoning across a client's tool loop. */
  reasoningContinuity: boolean;
  /** Which models are asked for encrypted reasoning. */
  reasoningModels: RegExp;
  reasoningCacheBytes: number;
  reasoningCacheTtlMs: number;
  /** Largest request body, in bytes (after decompression). */
  bodyLimitBytes: number;
  /** Time a client has to send a request body (its headers get as long, up to a minute); never limits the answer. */
  bodyTimeoutMs: number;
  /** Longest SSE line or event accepted from the upstream (a longer one ends the stream with an error). */
  streamEventLimitBytes: number;
  /** Model names rewritten before the request goes upstream (a client's hard-coded name to a Responses model). */
  modelAliases: Map<string, string>;
  logLevel: string;
  /** Serve Prometheus metrics on `GET /metrics` (METRICS=off removes the route). */
  metrics: boolean;
  /** On SIGTERM, how long open streams may go on before they are ended with an error frame. */
  shutdownGraceMs: number;
  /**
   * Shared state (remembered reasoning, the stored-completions index, other named stores) in this
   * Redis, for several workers and replicas; undefined keeps it in this process's memory.
   */
  redisUrl: string | undefined;
  /** Processes serving the port (node:cluster); 1 serves from this process alone. */
  workers: number;
  /** Record incoming Chat requests as JSON lines (migration testing); undefined: off. */
  captureFile: string | undefined;
  /** The share of requests captured, 0 to 1. */
  captureSample: number;
  /** `content`: the words of a conversation blanked, its shape kept. */
  captureRedact: 'none' | 'content';
  captureMaxBytes: number;
  /** Shadow mode: also send sampled Chat requests to this Chat Completions upstream and compare. */
  shadowChatBaseUrl: string | undefined;
  shadowChatApiKey: string | undefined;
  shadowSample: number;
  shadowConcurrency: number;
  shadowFile: string;
  /** `keys` (default): refuse to start with an upstream key and no client keys. `none`: serve clients without keys on purpose. */
  adapterAuth: AdapterAuth;
  /** Routes forwarded upstream besides the chat route: `all`, or only those under these prefixes (none when empty). */
  passthroughRoutes: 'all' | RoutePrefixes;
  /** Prefixes never forwarded, whatever `passthroughRoutes` says. */
  passthroughDeny: RoutePrefixes;
  /** Browser origins answered with CORS headers: `*` for any, none when empty. */
  corsOrigins: '*' | string[];
  /** Upstream calls in flight at once (each choice of `n` is one); past it a 429. Also the upstream pool's size. */
  maxConcurrentUpstream: number;
}

/** A configuration that cannot start: one line per bad variable, in `problems`. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ENVIRONMENT.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const variables = parsed.data;
  const config: Config = {
    port: variables.PORT,
    host: variables.HOST,
    upstreamBaseUrl: variables.UPSTREAM_BASE_URL,
    upstreamApiKey: variables.UPSTREAM_API_KEY,
    adapterApiKeys: variables.ADAPTER_API_KEYS,
    strictParams: variables.STRICT_PARAMS,
    upstreamTimeoutMs: variables.UPSTREAM_TIMEOUT_MS,
    streamIdleTimeoutMs: variables.STREAM_IDLE_TIMEOUT_MS,
    streamHeartbeatMs: variables.STREAM_HEARTBEAT_MS,
    background: variables.BACKGROUND,
    backgroundModels: variables.BACKGROUND_MODELS,
    upstreamRetries: variables.UPSTREAM_RETRIES,
    maxChoices: variables.MAX_CHOICES,
    reasoningContent: variables.REASONING_CONTENT,
    reasoningField: variables.REASONING_FIELD,
    reasoningSummary: variables.REASONING_SUMMARY === 'off' ? undefined : variables.REASONING_SUMMARY,
    reasoningContinuity: variables.REASONING_CONTINUITY,
    reasoningModels: variables.REASONING_MODELS,
    reasoningCacheBytes: variables.REASONING_CACHE_MB * 1024 * 1024,
    reasoningCacheTtlMs: variables.REASONING_CACHE_TTL_S * 1000,
    bodyLimitBytes: variables.BODY_LIMIT,
    bodyTimeoutMs: variables.BODY_TIMEOUT_MS,
    streamEventLimitBytes: variables.STREAM_EVENT_LIMIT,
    logLevel: variables.LOG_LEVEL,
    modelAliases: variables.MODEL_ALIASES,
    metrics: variables.METRICS,
    shutdownGraceMs: variables.SHUTDOWN_GRACE_MS,
    redisUrl: variables.REDIS_URL,
    workers: variables.WORKERS,
    captureFile: variables.CAPTURE_FILE,
    captureSample: variables.CAPTURE_SAMPLE,
    captureRedact: variables.CAPTURE_REDACT,
    captureMaxBytes: variables.CAPTURE_MAX_MB * 1024 * 1024,
    shadowChatBaseUrl: variables.SHADOW_CHAT_BASE_URL,
    shadowChatApiKey: variables.SHADOW_CHAT_API_KEY,
    shadowSample: variables.SHADOW_SAMPLE,
    shadowConcurrency: variables.SHADOW_CONCURRENCY,
    shadowFile: variables.SHADOW_FILE,
    adapterAuth: variables.ADAPTER_AUTH,
    passthroughRoutes: variables.PASSTHROUGH_ROUTES,
    passthroughDeny: variables.PASSTHROUGH_DENY,
    corsOrigins: variables.CORS_ORIGINS,
    maxConcurrentUpstream: variables.MAX_CONCURRENT_UPSTREAM,
  };
  if (config.adapterApiKeys.length > 0 && !config.upstreamApiKey) {
    throw new ConfigError('ADAPTER_API_KEYS needs UPSTREAM_API_KEY: client keys must never be forwarded upstream.');
  }
  checkAdapterAuth(config.adapterAuth, config.upstreamApiKey, config.adapterApiKeys);
  return config;
}

/**
 * Settings that start but are likely wrong, one line each for the start-up log. A base URL whose
 * path does not end in `/v1` is one: `/responses` is appended to it as it is, and the official
 * API and most relays serve it under `/v1` (other paths exist, so it is not an error).
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const path = new URL(config.upstreamBaseUrl).pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) {
    warnings.push(
      `UPSTREAM_BASE_URL does not end in /v1: requests go to ${config.upstreamBaseUrl}/responses. Most upstreams want the URL with /v1, e.g. UPSTREAM_BASE_URL=https://api.openai.com/v1.`,
    );
  }
  if (config.workers > 1 && config.redisUrl === undefined) {
    warnings.push(
      `WORKERS=${config.workers} without REDIS_URL: each worker has its own reasoning memory and stored-completions index, so a tool loop or a stored completion served by one worker is unknown to the others. Set REDIS_URL to share them.`,
    );
  }
  return warnings;
}

/** `PORT must be a port number 0-65535, e.g. PORT=8080 (got '99999').` */
function describeIssue(issue: z.core.$ZodIssue): string {
  const name = String(issue.path[0] ?? 'environment');
  const params = (issue as { params?: ProblemParams }).params;
  if (!params) return `${name}: ${issue.message}.`;
  const got = params.got === undefined ? '' : ` (got '${params.got}')`;
  return `${name} ${issue.message}, e.g. ${name}=${params.example}${got}.`;
}

// `variable` is exported for configuration added elsewhere (one entry in ENVIRONMENT each).
export { variable };
