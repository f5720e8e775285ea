import type { Logger } from 'pino';
import { ApiError, UpstreamProtocolError } from '../errors.js';
import type { Redactor } from '../redaction.js';

/**
 * A failure while translating what the upstream sent (a Response, a stream event), as the client
 * must hear it. The translators read upstream data leniently (`translate/lenient.ts`), but a field
 * of a type they do not expect is still the upstream's fault: a 502 naming the upstream, never the
 * adapter's own 500. The translator's own error goes to the log, at warn, with its stack: it shows
 * which field to read more leniently. Errors the translators mean (a failed Response) pass as they are.
 */
export function unreadableUpstream(error: unknown, log: Logger, redactor: Redactor, authorization: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  const cause = error instanceof Error ? redactor.unexpected(error, authorization) : error;
  log.warn({ err: cause }, 'the upstream sent a Response the adapter cannot read');
  return new UpstreamProtocolError('The upstream sent a Response the adapter cannot read.', 'upstream_protocol_error', { cause });
}
