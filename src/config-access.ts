/**
 * The variables that say who may reach what (issue 11): the client auth mode (closed by default),
 * the browser origins allowed (CORS), and the fence around the routes forwarded upstream. Read by
 * `loadConfig`; each bad value is a ConfigError naming the variable.
 */
import { ConfigError } from './config.js';

/** `keys`: clients need a key whenever the operator's upstream key would serve them. `none`: open on purpose. */
export type AdapterAuth = 'keys' | 'none';

/** Route prefixes, each as its path segments after `/v1`, lower-case: `/v1/vector_stores` is `['vector_stores']`. */
export type RoutePrefixes = readonly (readonly string[])[];

export function adapterAuth(raw: string | undefined): AdapterAuth {
  if (raw === undefined || raw === '' || raw === 'keys') return 'keys';
  if (raw === 'none') return raw;
  throw new ConfigError(`ADAPTER_AUTH must be keys or none, got '${raw}'.`);
}

/**
 * Closed by default: the operator's upstream key is never served to clients that present no key,
 * unless the operator says so (ADAPTER_AUTH=none). Without an upstream key each client's own key
 * goes upstream, which checks it.
 */
export function checkAdapterAuth(auth: AdapterAuth, upstreamApiKey: string | undefined, adapterApiKeys: readonly string[]): void {
  if (auth === 'none' && adapterApiKeys.length > 0) {
    throw new ConfigError('ADAPTER_AUTH=none contradicts ADAPTER_API_KEYS: unset one of them.');
  }
  if (auth === 'keys' && upstreamApiKey !== undefined && adapterApiKeys.length === 0) {
    throw new ConfigError(
      'UPSTREAM_API_KEY is set but ADAPTER_API_KEYS is not, so anyone who reaches the adapter would use the upstream key. ' +
        'Set ADAPTER_API_KEYS=<client-key>[,<client-key>…] (the keys clients must present), or ADAPTER_AUTH=none to run open on purpose.',
    );
  }
}

/** CORS_ORIGINS: `*`, or comma-separated origins such as `https://chat.example.com,http://localhost:5173`. Empty: no CORS. */
export function corsOrigins(raw: string | undefined): '*' | string[] {
  const entries = list(raw);
  if (entries.length === 1 && entries[0] === '*') return '*';
  return entries.map((entry) => {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      const bare = url.username === '' && url.password === '' && url.pathname === '/' && url.search === '' && url.hash === '' && !entry.endsWith('#') && !entry.endsWith('?');
      // As browsers send it: lower-case, no default port, IDN hosts in punycode.
      if ((url.protocol === 'http:' || url.protocol === 'https:') && bare) origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined) {
      throw new ConfigError(`CORS_ORIGINS must be * or origins such as https://chat.example.com (scheme, host and port only), got '${entry}'.`);
    }
    return origin;
  });
}

/** PASSTHROUGH_ROUTES: `all` (the default), `none`, or comma-separated prefixes such as `/v1/embeddings,/v1/files`. */
export function passthroughRoutes(raw: string | undefined): 'all' | RoutePrefixes {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'all') return 'all';
  if (value === 'none') return [];
  return prefixes('PASSTHROUGH_ROUTES', value);
}

/** PASSTHROUGH_DENY: comma-separated prefixes refused even when PASSTHROUGH_ROUTES allows them. */
export function passthroughDeny(raw: string | undefined): RoutePrefixes {
  return prefixes('PASSTHROUGH_DENY', raw ?? '');
}

function prefixes(name: string, raw: string): RoutePrefixes {
  return list(raw).map((entry) => {
    const segments = entry.replace(/\/+$/, '').split('/');
    // '', 'v1', then at least one segment of its own.
    const valid = segments.length > 2 && segments[0] === '' && segments[1] === 'v1' && segments.slice(2).every((segment) => /^[\w.:-]+$/.test(segment) && !/^\.\.?$/.test(segment));
    if (!valid) throw new ConfigError(`${name} entries must be path prefixes such as /v1/embeddings or /v1/files, got '${entry}'.`);
    return segments.slice(2).map((segment) => segment.toLowerCase());
  });
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
