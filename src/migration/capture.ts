/**
 * Capture: incoming Chat requests recorded as JSON lines (`{"id", "time", "request"}`, the format
 * `replay` reads), sampled, for migration testing on real traffic. No header is ever written, and
 * every secret the adapter knows is scrubbed from the line. With `redact: 'content'` the words go
 * but the shape stays: roles, the length of every text, tool names and schemas, parameters.
 */
import { JsonlWriter, type JsonlWriterOptions } from './jsonl-writer.js';

export interface CaptureOptions extends Omit<JsonlWriterOptions, 'serialize'> {
  /** The share of requests recorded, 0 to 1. */
  sample: number;
  redact: 'none' | 'content';
  /** Scrubs secrets from the serialised line. */
  scrub: (text: string) => string;
  random?: () => number;
}

export class CaptureRecorder {
  private readonly writer: JsonlWriter;
  private readonly random: () => number;

  constructor(private readonly options: CaptureOptions) {
    this.writer = new JsonlWriter({ ...options, serialize: (value) => options.scrub(JSON.stringify(value)) });
    this.random = options.random ?? Math.random;
  }

  /** Records one request body (sampled); never throws, never waits. */
  record(id: string, body: unknown): void {
    if (this.options.sample < 1 && this.random() >= this.options.sample) return;
    try {
      const request = this.options.redact === 'content' ? redactContent(body) : body;
      this.writer.write({ id, time: new Date().toISOString(), request });
    } catch {
      this.options.onLine?.('failed');
    }
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/** Text replaced by as many `x` as it had characters: lengths (and so token counts, roughly) survive. */
function blank(text: string): string {
  return 'x'.repeat(text.length);
}

/** Keys whose string values are the words of a conversation (or a file or image it carries). */
const CONTENT_KEYS = new Set(['content', 'text', 'refusal', 'arguments', 'input', 'output', 'url', 'file_data', 'data', 'transcript']);

/**
 * The request with its words blanked: message contents and parts, tool call arguments, images and
 * files, a prediction. Kept as they are: roles, names of tools and functions, schemas, descriptions
 * of tools (instructions to the model, not user data), and every other parameter.
 */
export function redactContent(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const request = { ...(body as Record<string, unknown>) };
  if (Array.isArray(request.messages)) request.messages = request.messages.map((message) => blankWords(message));
  if (request.prediction !== undefined) request.prediction = blankWords(request.prediction);
  return request;
}

function blankWords(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && CONTENT_KEYS.has(key) ? blank(value) : value;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' && key === 'content' ? blank(item) : blankWords(item, key === 'content' ? undefined : key)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    // A part's text or a message's content: blanked; `type`, `role`, `name`, ids and details kept.
    out[name] = typeof child === 'string' ? (CONTENT_KEYS.has(name) ? blank(child) : child) : blankWords(child, name);
  }
  return out;
}
