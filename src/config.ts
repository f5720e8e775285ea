import type { ReasoningField } from './translate/chat-envelope.js';

/** Models that reason by default: o-series, gpt-5 (not its chat variants), codex, gpt-oss. */
export const DEFAULT_REASONING_MODELS = /(^|[/:])(o\d|gpt-5(?!.*chat)|gpt-oss|[\w.-]*codex)/i;

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
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    port: integer(env, 'PORT', 8080),
    host: env.HOST || undefined,
    upstreamBaseUrl: baseUrl(env.UPSTREAM_BASE_URL || 'https://api.openai.com/v1'),
    upstreamApiKey: env.UPSTREAM_API_KEY || undefined,
    adapterApiKeys: (env.ADAPTER_API_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
    strictParams: flag(env.STRICT_PARAMS),
    // Zero would time every call out at once.
    upstreamTimeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 600_000, 1),
    streamIdleTimeoutMs: integer(env, 'STREAM_IDLE_TIMEOUT_MS', 300_000, 1),
    streamHeartbeatMs: integer(env, 'STREAM_HEARTBEAT_MS', 15_000),
    upstreamRetries: integer(env, 'UPSTREAM_RETRIES', 1),
    maxChoices: integer(env, 'MAX_CHOICES', 8, 1),
    reasoningContent: env.REASONING_CONTENT === undefined ? true : flag(env.REASONING_CONTENT),
    reasoningField: reasoningField(env.REASONING_FIELD),
    reasoningSummary: reasoningSummary(env.REASONING_SUMMARY),
    reasoningContinuity: env.REASONING_CONTINUITY === undefined ? true : flag(env.REASONING_CONTINUITY),
    reasoningModels: pattern(env, 'REASONING_MODELS', DEFAULT_REASONING_MODELS),
    reasoningCacheBytes: integer(env, 'REASONING_CACHE_MB', 64, 1) * 1024 * 1024,
    reasoningCacheTtlMs: integer(env, 'REASONING_CACHE_TTL_S', 3600, 1) * 1000,
    bodyLimitBytes: bytes('BODY_LIMIT', env.BODY_LIMIT || '25mb', '100kb or 25mb'),
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', 30_000, 1),
    streamEventLimitBytes: bytes('STREAM_EVENT_LIMIT', env.STREAM_EVENT_LIMIT || '16mb', '512kb or 16mb'),
    logLevel: env.LOG_LEVEL || 'info',
    modelAliases: modelAliases(env.MODEL_ALIASES),
    metrics: env.METRICS === undefined ? true : flag(env.METRICS),
  };
  if (config.adapterApiKeys.length > 0 && !config.upstreamApiKey) {
    throw new ConfigError('ADAPTER_API_KEYS needs UPSTREAM_API_KEY: client keys must never be forwarded upstream.');
  }
  return config;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new ConfigError(`${name} must be ${minimum === 0 ? 'a non-negative' : 'a positive'} integer, got '${raw}'.`);
  }
  return value;
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size such as `512kb` or `16mb`, in bytes. */
function bytes(name: string, raw: string, examples: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  const value = match ? Math.floor(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!) : 0;
  if (value < 1) throw new ConfigError(`${name} must be a size such as ${examples}, got '${raw}'.`);
  return value;
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`UPSTREAM_BASE_URL is not a URL: '${raw}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('UPSTREAM_BASE_URL must be http or https.');
  }
  // fetch refuses URLs with credentials, and the URL is logged at startup.
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('UPSTREAM_BASE_URL must not contain credentials; set UPSTREAM_API_KEY instead.');
  }
  return url.toString().replace(/\/+$/, '');
}

function pattern(env: NodeJS.ProcessEnv, name: string, fallback: RegExp): RegExp {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return new RegExp(raw, 'i');
  } catch {
    throw new ConfigError(`${name} is not a valid regular expression: '${raw}'.`);
  }
}

/** `MODEL_ALIASES=gpt-4o=gpt-5.2,gpt-4=gpt-5-pro`: comma-separated `client-name=upstream-name` pairs. */
function modelAliases(raw: string | undefined): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const pair of (raw ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')) {
    const at = pair.indexOf('=');
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at < 0 || from === '' || to === '') {
      throw new ConfigError(`MODEL_ALIASES entries must look like client-model=upstream-model, got '${pair}'.`);
    }
    aliases.set(from, to);
  }
  return aliases;
}

function reasoningField(raw: string | undefined): ReasoningField {
  if (raw === undefined || raw === '' || raw === 'reasoning_content') return 'reasoning_content';
  if (raw === 'reasoning') return raw;
  throw new ConfigError(`REASONING_FIELD must be reasoning_content or reasoning, got '${raw}'.`);
}

function reasoningSummary(raw: string | undefined): Config['reasoningSummary'] {
  if (raw === undefined || raw === '' || raw === 'off') return undefined;
  if (raw === 'auto' || raw === 'concise' || raw === 'detailed') return raw;
  throw new ConfigError(`REASONING_SUMMARY must be auto, concise, detailed or off, got '${raw}'.`);
}
