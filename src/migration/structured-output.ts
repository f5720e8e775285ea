/**
 * Structured output: whether an answer's text honours what the request's `response_format` asked
 * for: valid JSON matching `json_schema.schema`, or any JSON object for `json_object`.
 */
import { isRecord, type AnswerChoice } from './answer-body.js';
import { parseJson } from './canonical-json.js';
import { validateJsonSchema } from './json-schema.js';
import type { SchemaCheck } from './types.js';

export type StructuredOutputKind = 'json_schema' | 'json_object';

export function structuredOutputKind(request: unknown): StructuredOutputKind | null {
  if (!isRecord(request) || !isRecord(request.response_format)) return null;
  const { type } = request.response_format;
  return type === 'json_schema' || type === 'json_object' ? type : null;
}

function requestSchema(request: unknown): unknown {
  if (!isRecord(request) || !isRecord(request.response_format)) return undefined;
  const jsonSchema = request.response_format.json_schema;
  return isRecord(jsonSchema) ? jsonSchema.schema : undefined;
}

function checkText(text: string, kind: StructuredOutputKind, schema: unknown): string[] {
  const parsed = parseJson(text);
  if (parsed === undefined) return ['$: not valid JSON'];
  if (kind === 'json_object') return isRecord(parsed.value) ? [] : ['$: not a JSON object'];
  return validateJsonSchema(parsed.value, schema);
}

/**
 * Checks every choice that has text. `null` when the request asked for no structured output, or no
 * choice has text to check (a refusal or a tool call answers instead).
 */
export function checkStructuredOutput(request: unknown, choices: AnswerChoice[]): SchemaCheck | null {
  const kind = structuredOutputKind(request);
  if (kind === null) return null;
  const schema = requestSchema(request);
  const texts = choices.map((choice) => choice.content).filter((content): content is string => content !== null && content !== '');
  if (texts.length === 0) return null;
  const errors = texts.flatMap((text, index) =>
    checkText(text, kind, schema).map((error) => (texts.length > 1 ? `choice ${index} ${error}` : error)),
  );
  return { valid: errors.length === 0, errors: errors.slice(0, 5) };
}
