/**
 * The comparison rules: one request, the answer of each path, and what differs between them.
 * Pure (no I/O, no clock), so replay and shadow mode share it.
 */
import { isRecord, type AnswerChoice } from './answer-body.js';
import { readSide } from './side-facts.js';
import { textSimilarity, textsEqual } from './similarity.js';
import { structuredOutputKind } from './structured-output.js';
import { compareToolCalls } from './tool-calls.js';
import { features, type AnswerSide, type ComparisonRecord, type Feature, type FeatureCheck, type SideFacts } from './types.js';

export interface CompareOptions {
  /** Shown in reports: the capture's id, or the input line. */
  id?: string;
  /**
   * Content below this similarity counts as a divergence (default 0.5). Two runs of the same model
   * rarely say the same words, so equality is too strict; below one half, the answers say different
   * things more often than they rephrase.
   */
  similarityThreshold?: number;
}

export const defaultSimilarityThreshold = 0.5;

/** How much each divergent feature weighs when choosing the worst cases. */
const weights: Record<Feature, number> = {
  errors: 100,
  tool_calls: 40,
  structured_output: 40,
  refusal: 30,
  finish_reason: 20,
  content: 10,
};

function requestModel(request: unknown): string | null {
  return isRecord(request) && typeof request.model === 'string' ? request.model : null;
}

function requestUsesTools(request: unknown): boolean {
  if (!isRecord(request)) return false;
  const listed = (value: unknown) => Array.isArray(value) && value.length > 0;
  return listed(request.tools) || listed(request.functions);
}

function compareErrors(chat: SideFacts, responses: SideFacts): FeatureCheck {
  const chatFailed = chat.error !== null;
  const responsesFailed = responses.error !== null;
  const divergent = chatFailed !== responsesFailed || (chatFailed && chat.error?.status !== responses.error?.status);
  return { applicable: true, divergent };
}

function compareContent(chat: AnswerChoice[], responses: AnswerChoice[], applicable: boolean, threshold: number) {
  const count = Math.max(chat.length, responses.length);
  let similaritySum = 0;
  let equal = chat.length === responses.length;
  let anyText = false;
  for (let index = 0; index < count; index += 1) {
    const left = chat[index]?.content ?? '';
    const right = responses[index]?.content ?? '';
    anyText ||= left !== '' || right !== '';
    similaritySum += textSimilarity(left, right);
    equal &&= textsEqual(left, right);
  }
  const similarity = count === 0 ? 1 : similaritySum / count;
  // Answers that are only tool calls have no text to compare: the tool-call rule covers them.
  const compared = applicable && anyText;
  return { applicable: compared, divergent: compared && similarity < threshold, equal, similarity };
}

function sameList(left: unknown[], right: unknown[]): boolean {
  return left.length === right.length && left.every((item, index) => item === right[index]);
}

/**
 * Compares the answers of the Chat Completions path and the Responses path to one request.
 * `request` is the Chat request both were sent; each side is what its path answered.
 */
export function compareAnswers(
  request: unknown,
  chatSide: AnswerSide,
  responsesSide: AnswerSide,
  options: CompareOptions = {},
): ComparisonRecord {
  const chat = readSide(request, chatSide);
  const responses = readSide(request, responsesSide);
  const bothAnswered = chat.facts.ok && responses.facts.ok;
  const neitherRefused = !chat.facts.refusal && !responses.facts.refusal;

  const errors = compareErrors(chat.facts, responses.facts);
  const finishReason = {
    applicable: bothAnswered,
    divergent: bothAnswered && !sameList(chat.facts.finishReasons, responses.facts.finishReasons),
  };
  const threshold = options.similarityThreshold ?? defaultSimilarityThreshold;
  const content = compareContent(chat.choices, responses.choices, bothAnswered && neitherRefused, threshold);

  const toolComparison = compareToolCalls(chat.choices, responses.choices);
  const toolsApplicable =
    bothAnswered && (requestUsesTools(request) || chat.facts.toolCalls.length > 0 || responses.facts.toolCalls.length > 0);
  const toolCalls = {
    applicable: toolsApplicable,
    divergent: toolsApplicable && !(toolComparison.namesEqual && toolComparison.argumentsEqual),
    ...toolComparison,
  };

  const chatSchema = chat.facts.structuredOutput;
  const responsesSchema = responses.facts.structuredOutput;
  const schemaApplicable = bothAnswered && chatSchema !== null && responsesSchema !== null;
  const structuredOutput = {
    applicable: schemaApplicable,
    divergent: schemaApplicable && chatSchema.valid !== responsesSchema.valid,
    kind: structuredOutputKind(request),
  };
  const refusal = { applicable: bothAnswered, divergent: bothAnswered && chat.facts.refusal !== responses.facts.refusal };

  const checks: Record<Feature, FeatureCheck> = {
    errors,
    tool_calls: toolCalls,
    structured_output: structuredOutput,
    refusal,
    finish_reason: finishReason,
    content,
  };
  const divergences = features.filter((feature) => checks[feature].divergent);
  const severity =
    divergences.reduce((sum, feature) => sum + weights[feature], 0) + (content.applicable ? (1 - content.similarity) * weights.content : 0);

  return {
    id: options.id ?? 'request',
    model: requestModel(request),
    stream: isRecord(request) && request.stream === true,
    chat: chat.facts,
    responses: responses.facts,
    errors,
    finishReason,
    content,
    toolCalls,
    structuredOutput,
    refusal,
    divergences,
    severity: Math.round(severity * 1000) / 1000,
  };
}
