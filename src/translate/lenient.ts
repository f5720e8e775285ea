import type { UpstreamContentPart, UpstreamOutputItem, UpstreamResponse } from '../types/responses-upstream.js';

/**
 * Upstream data is read leniently: a list that is not a list, or entries that are not objects
 * (`output: [null]`), are skipped rather than crashing the translation. Only what the translators
 * walk is cleaned; everything else passes as it is.
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a string, otherwise `fallback` (a number where an id should be). */
export function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

/** `value` when it is a finite number, otherwise `fallback`. */
export function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The object entries of `value` when it is an array; otherwise none. */
export function objectsIn<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter(isObject) as T[]) : [];
}

function cleanPart(part: UpstreamContentPart): UpstreamContentPart {
  return { ...part, annotations: objectsIn(part.annotations), logprobs: objectsIn(part.logprobs) };
}

/** An output item with its content parts, annotations, logprobs and summary made safe to walk. */
export function cleanItem(value: unknown): UpstreamOutputItem {
  if (!isObject(value)) return {};
  const item = value as UpstreamOutputItem;
  return {
    ...item,
    content: objectsIn<UpstreamContentPart>(item.content).map(cleanPart),
    summary: objectsIn(item.summary),
  };
}

/** A Response object with its output made safe to walk. */
export function cleanResponse(value: unknown): UpstreamResponse {
  if (!isObject(value)) return {};
  const response = value as UpstreamResponse;
  return { ...response, output: objectsIn(response.output).map(cleanItem) };
}
