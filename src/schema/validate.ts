import { z } from 'zod';
import { invalidRequest, type ApiError } from '../errors.js';
import { runAtOnce, type Steps } from '../yielding.js';
import { chatMessageSchema, chatRequestSchema, type ChatRequest, type ChatRequestMessage } from './chat-request.js';
import { checkJsonLimits } from './json-limits.js';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

/** Messages validated between two pauses (a few milliseconds of work); fewer are validated at once. */
export const MESSAGES_PER_SLICE = 4096;

/** The request without its messages, which are validated slice by slice. */
const requestWithoutMessages = chatRequestSchema.extend({ messages: z.unknown() });
const messageList = z.array(chatMessageSchema);

/** Validates a Chat Completions body; throws a 400 naming the offending field (`messages[1].content`). */
export function parseChatRequest(body: unknown): ChatRequest {
  return runAtOnce(parseChatRequestSteps(body));
}

/**
 * `parseChatRequest`, pausing between slices of a long message list (see `yielding.ts`): the same
 * value, or the same 400, as validating the whole body at once.
 */
export function* parseChatRequestSteps(body: unknown, messagesPerSlice = MESSAGES_PER_SLICE): Steps<ChatRequest> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null);
  }
  const messages = (body as { messages?: unknown }).messages;
  let request: ChatRequest;
  if (Array.isArray(messages) && messages.length > messagesPerSlice) {
    request = yield* validateInSlices(body, messages, messagesPerSlice);
  } else {
    const result = chatRequestSchema.safeParse(body);
    if (!result.success) throw issueToError(result.error.issues[0]!, body);
    request = result.data;
  }
  // After the schema, so a key it knows to be unknown is reported as such; it cannot overflow on depth.
  yield* checkJsonLimits(body, formatParam);
  return request;
}

/**
 * zod reports the body's fields in the schema's order (`model`, `messages`, the others, unknown keys
 * last) and a list's entries in their order: the first issue is the same as for the whole body.
 */
function* validateInSlices(body: object, messages: unknown[], perSlice: number): Steps<ChatRequest> {
  const rest = requestWithoutMessages.safeParse(body);
  const modelIssue = rest.success ? undefined : rest.error.issues.find((issue) => issue.path[0] === 'model');
  if (modelIssue) throw issueToError(modelIssue, body);
  const valid: ChatRequestMessage[] = [];
  for (let start = 0; start < messages.length; start += perSlice) {
    yield;
    const slice = messageList.safeParse(messages.slice(start, start + perSlice));
    if (!slice.success) {
      const issue = slice.error.issues[0]!;
      throw issueToError({ ...issue, path: ['messages', start + Number(issue.path[0]), ...issue.path.slice(1)] } as Issue, body);
    }
    for (const message of slice.data) valid.push(message);
  }
  if (!rest.success) throw issueToError(rest.error.issues[0]!, body);
  return { ...rest.data, messages: valid };
}

export function formatParam(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function issueToError(issue: Issue, body: object): ApiError {
  const { issue: specific, path } = mostSpecific(issue, issue.path);
  const param = formatParam(path);
  if (specific.code === 'unrecognized_keys') {
    const key = specific.keys[0] ?? '';
    const full = formatParam([...path, key]);
    if (path.length === 0) {
      return invalidRequest(`Unrecognized request argument supplied: ${key}`, full, 'unknown_parameter');
    }
    return invalidRequest(`Unknown parameter: '${full}'.`, full, 'unknown_parameter');
  }
  // zod reports a wrong type and an absent key alike (and a missing discriminator as a bad value):
  // only the body itself tells them apart.
  if (valueAt(body, path) === undefined) {
    return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  if (specific.code === 'invalid_union' && specific.errors.length > 0) {
    const expected = specific.errors
      .map((branch) => branch[0])
      .filter((first): first is Issue & { code: 'invalid_type' } => first?.code === 'invalid_type')
      .map((first) => first.expected);
    if (expected.length === specific.errors.length) {
      return invalidRequest(
        `Invalid type for '${param}': expected ${expected.join(' or ')}.`,
        param,
        'invalid_type',
      );
    }
    const alternatives = specific.errors.map((branch) => clause(branch[0]?.message ?? 'invalid input'));
    return invalidRequest(`Invalid '${param}': ${alternatives.join('; or ')}.`, param, 'invalid_value');
  }
  const code = specific.code === 'invalid_type' ? 'invalid_type' : 'invalid_value';
  return invalidRequest(`Invalid '${param}': ${clause(specific.message)}.`, param, code);
}

/**
 * A union error lists one issue list per branch. The useful one is the branch the input was meant
 * for: the one whose first issue sits deepest (the input got furthest into it).
 */
function mostSpecific(issue: Issue, path: Path): { issue: Issue; path: Path } {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best || best.path.length === 0) return { issue, path };
  return mostSpecific(best, [...path, ...best.path]);
}

function valueAt(body: object, path: Path): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A zod message as a clause of our sentence: lower-case start, no final period. */
function clause(text: string): string {
  return (text.charAt(0).toLowerCase() + text.slice(1)).replace(/\.$/, '');
}
