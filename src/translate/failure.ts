import { UpstreamError } from '../errors.js';
import type { UpstreamErrorFields } from '../types/responses-upstream.js';
import { stringOr } from './lenient.js';

/** HTTP status for an error the upstream reported inside a 200 (a `failed` response or stream `error`). */
function statusForCode(code: string | null | undefined): number {
  switch (code) {
    case 'rate_limit_exceeded':
    case 'insufficient_quota':
      return 429;
    case 'invalid_prompt':
    case 'bio_policy':
    case 'invalid_image':
    case 'invalid_image_format':
    case 'invalid_base64_image':
    case 'invalid_image_url':
    case 'image_too_large':
    case 'image_too_small':
    case 'image_parse_error':
    case 'image_content_policy_violation':
    case 'invalid_image_mode':
    case 'image_file_too_large':
    case 'unsupported_image_media_type':
    case 'empty_image_file':
    case 'failed_to_download_image':
    case 'image_file_not_found':
    case 'context_length_exceeded':
    case 'invalid_request_error':
      return 400;
    case 'vector_store_timeout':
      return 504;
    default:
      return 500;
  }
}

/**
 * An upstream failure reported in-band, as the error the Chat client should get. Its fields are
 * read leniently: one of another type is left out (a numeric code is kept as its digits), so every
 * field of the client's error is a string or null.
 */
export function upstreamFailure(error: UpstreamErrorFields | null | undefined, fallback: string): UpstreamError {
  const fields = (error !== null && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const code = typeof fields.code === 'number' ? String(fields.code) : stringOr(fields.code, null);
  // A failed Response's error has no type; quota errors use their code as the type over HTTP.
  const type = stringOr(fields.type, code === 'insufficient_quota' ? code : undefined);
  return new UpstreamError(statusForCode(code ?? type), stringOr(fields.message, '') || fallback, {
    type,
    param: stringOr(fields.param, null),
    code,
  });
}
