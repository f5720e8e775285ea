/**
 * The query strings of the stored-completions lists, as the official SDKs send them: `limit`,
 * `order`, `after`, and for completions `model` and `metadata[key]=value` (the SDK's bracket form).
 * What cannot be read is a 400 naming the parameter, never a silent default.
 */
import { invalidRequest } from '../errors.js';
import type { CompletionsQuery } from '../state/completions-index.js';
import { checkMetadata } from './metadata.js';

export interface PageQuery {
  after?: string;
  limit: number;
  order: 'asc' | 'desc';
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function pageQuery(query: URLSearchParams): PageQuery {
  const page: PageQuery = { limit: limitOf(query.get('limit')), order: orderOf(query.get('order')) };
  const after = query.get('after');
  if (after !== null && after !== '') page.after = after;
  return page;
}

/** `GET /chat/completions`: the page, and the filters on model and metadata. */
export function completionsQuery(query: URLSearchParams): CompletionsQuery {
  const listed: CompletionsQuery = pageQuery(query);
  const model = query.get('model');
  if (model !== null && model !== '') listed.model = model;
  const metadata: Record<string, string> = {};
  let filtered = false;
  for (const [name, value] of query) {
    const key = /^metadata\[(.*)\]$/s.exec(name)?.[1];
    if (key === undefined) continue;
    metadata[key] = value;
    filtered = true;
  }
  if (filtered) listed.metadata = checkMetadata(metadata, 'metadata');
  return listed;
}

function limitOf(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidRequest(`Invalid 'limit': expected an integer from 1 to ${MAX_LIMIT}, got '${shorten(raw)}'.`, 'limit', 'invalid_value');
  }
  return limit;
}

function orderOf(raw: string | null): 'asc' | 'desc' {
  if (raw === null || raw === '' || raw === 'asc') return 'asc';
  if (raw === 'desc') return 'desc';
  throw invalidRequest(`Invalid 'order': expected 'asc' or 'desc', got '${shorten(raw)}'.`, 'order', 'invalid_value');
}

/** A value quoted back in a message, never a whole huge one. */
function shorten(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
