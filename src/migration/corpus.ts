/**
 * The replay input: JSON Lines, each line either a plain Chat Completions request body or a capture
 * record `{"id", "time", "request": {...}}`. A line is a capture record when it has a `request`
 * object with `messages`; anything else with `messages` is a plain body.
 */
import { isRecord } from './answer-body.js';

export interface CorpusEntry {
  /** The capture's id, or `line N`. */
  id: string;
  line: number;
  request: Record<string, unknown>;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface Corpus {
  entries: CorpusEntry[];
  skipped: SkippedLine[];
}

function entryOf(value: unknown, line: number): CorpusEntry | string {
  if (!isRecord(value)) return 'not a JSON object';
  if (isRecord(value.request) && Array.isArray(value.request.messages)) {
    const { id } = value;
    const captureId = typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : `line ${line}`;
    return { id: captureId, line, request: value.request };
  }
  if (Array.isArray(value.messages)) return { id: `line ${line}`, line, request: value };
  return 'neither a Chat request (no messages) nor a capture record (no request.messages)';
}

/** Parses the file's text; blank lines are ignored, unreadable ones are listed with the reason. */
export function parseCorpus(text: string, limit = Number.POSITIVE_INFINITY): Corpus {
  const corpus: Corpus = { entries: [], skipped: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (corpus.entries.length >= limit) break;
    if (raw.trim() === '') continue;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      corpus.skipped.push({ line, reason: 'not valid JSON' });
      continue;
    }
    const entry = entryOf(value, line);
    if (typeof entry === 'string') corpus.skipped.push({ line, reason: entry });
    else corpus.entries.push(entry);
  }
  return corpus;
}
