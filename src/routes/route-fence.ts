/**
 * Which routes are forwarded upstream (PASSTHROUGH_ROUTES, PASSTHROUGH_DENY): every route but the
 * chat route, unless the operator fences them. Prefixes match whole segments, without regard to
 * case (a relay may not care about case either), on the decoded path: `/v1/files` covers
 * `/v1/files` and `/v1/files/file-1/content`, also spelt `/v1/%66iles`, but not `/v1/filesystem`.
 */
import type { RoutePrefixes } from '../config-access.js';

export class RouteFence {
  constructor(
    private readonly allowed: 'all' | RoutePrefixes,
    private readonly denied: RoutePrefixes,
  ) {}

  /** Whether a path under `/v1/`, as decoded segments, may be forwarded. */
  allows(segments: ReadonlyArray<string | undefined>): boolean {
    if (this.allowed !== 'all' && !this.allowed.some((prefix) => covers(prefix, segments))) return false;
    return !this.denied.some((prefix) => covers(prefix, segments));
  }
}

function covers(prefix: readonly string[], segments: ReadonlyArray<string | undefined>): boolean {
  if (segments.length < prefix.length) return false;
  return prefix.every((segment, index) => segments[index]?.toLowerCase() === segment);
}
