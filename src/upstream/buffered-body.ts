/** A body read whole: kept within its limit, joined once, and decoded when it came compressed. */
import { decodeWhole, isTooLarge, type ContentCoding } from './decompress.js';
import { connectionBroken, tooLarge } from './transport-errors.js';

export interface BodyLimits {
  maxBodyBytes: number;
  maxErrorBodyBytes: number;
}

/** Keeps the first `limit` bytes of `chunks`, in place; returns how many bytes are kept. */
export function keepFirst(chunks: Buffer[], limit: number): number {
  let kept = 0;
  let count = 0;
  for (const chunk of chunks) {
    if (kept + chunk.length >= limit) {
      chunks[count++] = chunk.subarray(0, limit - kept);
      kept = limit;
      break;
    }
    kept += chunk.length;
    count++;
  }
  chunks.length = count;
  return kept;
}

/**
 * The chunks as one body. An error body (`status >= 400`) may have been cut at its limit: its
 * compressed form is decoded as far as it goes, and the result cut again at the limit. Throws the
 * transport's own errors: too large, or broken (corrupt compressed data).
 */
export function wholeBody(chunks: Buffer[], bytes: number, coding: ContentCoding | undefined, status: number, limits: BodyLimits): Buffer {
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
  if (coding === undefined) return raw;
  const errorBody = status >= 400;
  let decoded: Buffer;
  try {
    decoded = decodeWhole(coding, raw, limits.maxBodyBytes, errorBody);
  } catch (error) {
    throw isTooLarge(error) ? tooLarge(limits.maxBodyBytes) : connectionBroken(error);
  }
  return errorBody && decoded.length > limits.maxErrorBodyBytes ? decoded.subarray(0, limits.maxErrorBodyBytes) : decoded;
}
