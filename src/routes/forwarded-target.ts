/**
 * The upstream target of a passed-through request, rebuilt from the client's: only `/v1/` and the
 * rest of the path, re-encoded segment by segment (`pathSegment` rules: no dot segments, separators
 * or `%` once decoded, no empty segments), and the query string re-encoded pair by pair. Nothing of
 * the client's target is sent as it came, so no spelling of it can reach another upstream path.
 */
import { pathSegment } from './path-segment.js';

export interface ForwardedTarget {
  /** The path after `/v1/`, split at `/` and decoded; `undefined` where a segment cannot go upstream. */
  segments: Array<string | undefined>;
  /** The query's pairs, decoded. */
  query: Array<[string, string]>;
}

/** The target of a request under `/v1/` (origin form or absolute form), or undefined for any other path. */
export function forwardedTarget(url: string): ForwardedTarget | undefined {
  let start = 0;
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
    if (!authority) return undefined;
    start = authority[0].length;
  }
  const queryAt = url.indexOf('?', start);
  const path = url.slice(start, queryAt === -1 ? url.length : queryAt);
  if (!path.startsWith('/v1/')) return undefined;
  return {
    segments: path.slice(4).split('/').map(decodedSegment),
    query: queryAt === -1 ? [] : [...new URLSearchParams(url.slice(queryAt + 1))],
  };
}

/** The path to ask the upstream for (after its base URL, which ends in `/v1`), or undefined when a segment is refused. */
export function upstreamPath(target: ForwardedTarget): string | undefined {
  let path = '';
  for (const segment of target.segments) {
    const encoded = segment === undefined ? undefined : pathSegment(segment);
    if (encoded === undefined) return undefined;
    path += `/${encoded}`;
  }
  if (target.query.length === 0) return path;
  return `${path}?${target.query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
}

function decodedSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
