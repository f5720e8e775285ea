/**
 * Metadata as Chat Completions accepts it (REFERENCE §1.1): at most 16 pairs, keys of at most 64
 * characters, string values of at most 512. Checked here for the update the adapter emulates (the
 * upstream never sees it) and for list filters; a 400 names the offending key.
 */
import { invalidRequest } from '../errors.js';

const MAX_PAIRS = 16;
const MAX_KEY_LENGTH = 64;
const MAX_VALUE_LENGTH = 512;

export function checkMetadata(value: unknown, param: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`Invalid type for '${param}': expected an object of string values.`, param, 'invalid_type');
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_PAIRS) {
    throw invalidRequest(`Invalid '${param}': at most ${MAX_PAIRS} key-value pairs are allowed, got ${entries.length}.`, param, 'invalid_value');
  }
  const metadata: Record<string, string> = {};
  for (const [key, pairValue] of entries) {
    const at = `${param}.${key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key}`;
    if (key.length > MAX_KEY_LENGTH) {
      throw invalidRequest(`Invalid '${param}': keys may be at most ${MAX_KEY_LENGTH} characters long.`, at, 'invalid_value');
    }
    if (typeof pairValue !== 'string') throw invalidRequest(`Invalid type for '${at}': expected a string.`, at, 'invalid_type');
    if (pairValue.length > MAX_VALUE_LENGTH) {
      throw invalidRequest(`Invalid '${at}': values may be at most ${MAX_VALUE_LENGTH} characters long.`, at, 'invalid_value');
    }
    metadata[key] = pairValue;
  }
  return metadata;
}

/** The body of `POST /chat/completions/{id}`: `{ metadata }`, where `null` clears it. */
export function metadataUpdate(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.', null);
  for (const key of Object.keys(body)) {
    if (key !== 'metadata') throw invalidRequest(`Unrecognized request argument supplied: ${key}. Only 'metadata' can be updated.`, key, 'unknown_parameter');
  }
  if (!('metadata' in body)) throw invalidRequest("Missing required parameter: 'metadata'.", 'metadata', 'missing_required_parameter');
  const { metadata } = body as { metadata: unknown };
  return metadata === null ? {} : checkMetadata(metadata, 'metadata');
}
