/**
 * Loader for real recorded upstream Responses API traffic.
 *
 * The recordings live OUTSIDE the repository, in `<project root>/../shared/fixtures/responses-upstream/`
 * (see SOURCES.md there for provenance and the three container formats). They must never be copied
 * into the repo: tests that use them should be wrapped in `describe.skipIf(!hasSharedFixtures)`.
 *
 * Every container format is normalised to `RecordedInteraction[]`:
 * - openai-dotnet session JSON (`Entries[]`): a streamed `ResponseBody` is an array of raw SSE lines
 *   that are joined as-is; a non-streamed one is the (re-serialised) JSON object.
 * - pydantic-ai VCR YAML (`interactions[]`): streamed bodies are the `response.body.string` block
 *   scalar; JSON bodies are `response.parsed_body` (or JSON text in `response.body.string`).
 * - vercel/ai `*.chunks.txt`: one SSE data payload per line; rebuilt as `data: <payload>\n\n`
 *   (that recorder dropped `event:` lines). vercel/ai `*.json`: response body only, status unknown.
 *
 * This file deliberately does not import anything from src/.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const FIXTURES_SUBPATH = ['shared', 'fixtures', 'responses-upstream'] as const;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function resolveSharedFixturesDirectory(): string {
  // This file is <project root>/test/helpers/recorded-fixtures.ts, so the project root is two levels up,
  // wherever the clone lives. process.cwd() is only a fallback (vitest normally runs from the root).
  const projectRootFromModule = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [
    resolve(projectRootFromModule, '..', ...FIXTURES_SUBPATH),
    resolve(process.cwd(), '..', ...FIXTURES_SUBPATH),
  ];
  return candidates.find(isDirectory) ?? (candidates[0] as string);
}

export const sharedFixturesDirectory: string = resolveSharedFixturesDirectory();
export const hasSharedFixtures: boolean = isDirectory(sharedFixturesDirectory);

export interface RecordedInteraction {
  request: { method: string; uri: string; body: any | undefined };
  response: {
    /** undefined when the container format did not record it (vercel/ai `*.json`, `*.chunks.txt`) */
    status: number | undefined;
    /** parsed JSON body for non-stream replies */
    json: any | undefined;
    /** for streamed replies: the raw SSE text as on the wire (`event:` + `data:` lines, blank-line separators) */
    sseText: string | undefined;
    /** for streamed replies: the parsed `data:` payloads in order */
    events: Array<Record<string, any>> | undefined;
  };
}

export function listRecordedFixtures(): string[] {
  if (!hasSharedFixtures) return [];
  return readdirSync(sharedFixturesDirectory)
    .filter((name) => name !== 'SOURCES.md' && !name.startsWith('.'))
    .filter((name) => statSync(resolve(sharedFixturesDirectory, name)).isFile())
    .sort();
}

/**
 * Minimal SSE splitter: lines separated by CRLF/LF/CR; a blank line ends an event; `data:` lines
 * (one optional space after the colon removed) are joined with `\n`. Other fields (`event:`, `id:`,
 * comments) are ignored. A trailing event without a terminating blank line is still returned.
 * A `[DONE]` sentinel is skipped; every other payload must be JSON.
 */
export function parseSseDataPayloads(sseText: string): Array<Record<string, any>> {
  const events: Array<Record<string, any>> = [];
  let dataLines: string[] = [];
  const dispatch = (): void => {
    if (dataLines.length === 0) return;
    const data = dataLines.join('\n');
    dataLines = [];
    if (data === '[DONE]') return;
    events.push(JSON.parse(data) as Record<string, any>);
  };
  for (const line of sseText.split(/\r\n|\r|\n/)) {
    if (line === '') {
      dispatch();
    } else if (line === 'data') {
      dataLines.push('');
    } else if (line.startsWith('data:')) {
      const value = line.slice('data:'.length);
      dataLines.push(value.startsWith(' ') ? value.slice(1) : value);
    }
  }
  dispatch();
  return events;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== name.toLowerCase()) continue;
    if (Array.isArray(value)) return value.map(String).join(', ');
    if (value !== undefined && value !== null) return String(value);
  }
  return undefined;
}

function looksLikeSse(text: string): boolean {
  return /^(event|data|id|retry):/m.test(text) && !/^\s*[[{]/.test(text);
}

function parseJsonText(text: string): any | undefined {
  if (text.trim() === '') return undefined;
  return JSON.parse(text);
}

function streamedResponse(status: number | undefined, sseText: string): RecordedInteraction['response'] {
  return { status, json: undefined, sseText, events: parseSseDataPayloads(sseText) };
}

function jsonResponse(status: number | undefined, json: any): RecordedInteraction['response'] {
  return { status, json: json ?? undefined, sseText: undefined, events: undefined };
}

/** A body recorded as text: SSE when the content type (or, failing that, the text) says so, else JSON. */
function responseFromText(status: number | undefined, contentType: string | undefined, text: string) {
  const isSse = contentType !== undefined ? /text\/event-stream/i.test(contentType) : looksLikeSse(text);
  return isSse ? streamedResponse(status, text) : jsonResponse(status, parseJsonText(text));
}

function loadOpenAiDotnet(text: string): RecordedInteraction[] {
  const session = JSON.parse(text) as { Entries?: any[] };
  return (session.Entries ?? []).map((entry): RecordedInteraction => {
    const status = typeof entry.StatusCode === 'number' ? entry.StatusCode : undefined;
    const contentType = headerValue(entry.ResponseHeaders, 'content-type');
    const body = entry.ResponseBody;
    let response: RecordedInteraction['response'];
    if (Array.isArray(body) && body.every((line) => typeof line === 'string')) {
      // Raw SSE lines ("event: …\n", "data: {…}\n\n"): joining them gives back the wire text.
      response = streamedResponse(status, (body as string[]).join(''));
    } else if (typeof body === 'string') {
      response = responseFromText(status, contentType, body);
    } else {
      response = jsonResponse(status, body);
    }
    return {
      request: {
        method: String(entry.RequestMethod),
        uri: String(entry.RequestUri),
        body: entry.RequestBody ?? undefined,
      },
      response,
    };
  });
}

function loadPydanticCassette(text: string): RecordedInteraction[] {
  // The cassettes are written by PyYAML, which resolves scalars with YAML 1.1 rules.
  const cassette = parseYaml(text, { version: '1.1' }) as { interactions?: any[] };
  return (cassette.interactions ?? []).map((interaction): RecordedInteraction => {
    const request = interaction.request ?? {};
    const response = interaction.response ?? {};
    const status = typeof response.status?.code === 'number' ? response.status.code : undefined;
    const contentType = headerValue(response.headers, 'content-type');

    let requestBody: any;
    if (request.parsed_body !== undefined) requestBody = request.parsed_body;
    else if (typeof request.body === 'string') requestBody = parseJsonText(request.body);
    else if (typeof request.body?.string === 'string') requestBody = parseJsonText(request.body.string);

    let normalized: RecordedInteraction['response'];
    if (response.parsed_body !== undefined) {
      normalized = jsonResponse(status, response.parsed_body);
    } else if (typeof response.body?.string === 'string') {
      normalized = responseFromText(status, contentType, response.body.string);
    } else if (typeof response.body === 'string') {
      normalized = responseFromText(status, contentType, response.body);
    } else {
      normalized = jsonResponse(status, undefined);
    }
    return {
      request: { method: String(request.method), uri: String(request.uri), body: requestBody ?? undefined },
      response: normalized,
    };
  });
}

/** vercel/ai records neither the request nor the status; the endpoint is always POST /v1/responses. */
const VERCEL_REQUEST = { method: 'POST', uri: 'https://api.openai.com/v1/responses', body: undefined } as const;

function loadVercelChunks(text: string): RecordedInteraction[] {
  const payloads = text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  const sseText = payloads.map((payload) => `data: ${payload}\n\n`).join('');
  return [{ request: { ...VERCEL_REQUEST }, response: streamedResponse(undefined, sseText) }];
}

function loadVercelJson(text: string): RecordedInteraction[] {
  return [{ request: { ...VERCEL_REQUEST }, response: jsonResponse(undefined, JSON.parse(text)) }];
}

export function loadRecordedFixture(fileName: string): RecordedInteraction[] {
  const path = resolve(sharedFixturesDirectory, fileName);
  if (!existsSync(path)) throw new Error(`Recorded fixture not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  if (fileName.endsWith('.openai-dotnet.json')) return loadOpenAiDotnet(text);
  if (fileName.endsWith('.yaml') || fileName.endsWith('.yml')) return loadPydanticCassette(text);
  if (fileName.endsWith('.chunks.txt')) return loadVercelChunks(text);
  if (fileName.endsWith('.vercel-ai.json')) return loadVercelJson(text);
  if (fileName.endsWith('.json')) {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { Entries?: unknown }).Entries)) {
      return loadOpenAiDotnet(text);
    }
    return loadVercelJson(text);
  }
  throw new Error(`Unknown recorded fixture format: ${fileName}`);
}

export function recordedStreams(): Array<{
  name: string;
  interactionIndex: number;
  sseText: string;
  events: Array<Record<string, any>>;
}> {
  const streams: Array<{ name: string; interactionIndex: number; sseText: string; events: Array<Record<string, any>> }> =
    [];
  for (const name of listRecordedFixtures()) {
    loadRecordedFixture(name).forEach((interaction, interactionIndex) => {
      const { sseText, events } = interaction.response;
      if (sseText !== undefined && events !== undefined) streams.push({ name, interactionIndex, sseText, events });
    });
  }
  return streams;
}

export function recordedJsonResponses(): Array<{
  name: string;
  interactionIndex: number;
  status: number | undefined;
  json: any;
}> {
  const replies: Array<{ name: string; interactionIndex: number; status: number | undefined; json: any }> = [];
  for (const name of listRecordedFixtures()) {
    loadRecordedFixture(name).forEach((interaction, interactionIndex) => {
      const { sseText, json, status } = interaction.response;
      if (sseText === undefined && json !== undefined) replies.push({ name, interactionIndex, status, json });
    });
  }
  return replies;
}
