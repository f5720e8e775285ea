/**
 * The dry run: a Chat Completions request in, the Responses request it becomes out, with the
 * warnings and each parameter's fate, without calling any upstream. The same translation as a real
 * call (aliases, strict mode, `n` limit, encrypted reasoning asked of reasoning models); only the
 * caller's remembered reasoning is not put back.
 */
import { ApiError } from '../errors.js';
import type { ReasoningContinuity } from '../reasoning/continuity.js';
import { backgroundRequest, runsInBackground } from '../serve/background-upstream.js';
import { translateChat, type ChatTranslation } from '../serve/chat-service.js';
import { fatesOf, type ParameterFate } from '../translate/parameter-fates.js';
import type { AdapterWarning } from '../translate/warnings.js';
import type { ResponsesRequest } from '../types/responses.js';

export interface DryRun {
  /** Whether the adapter would send the request upstream. */
  ok: boolean;
  /** The body that would be posted to `/responses`; null when the request would be refused. */
  request: ResponsesRequest | null;
  /**
   * Whether it would run in the background (BACKGROUND, BACKGROUND_MODELS): posted with
   * `background` and `store`, followed to its end, then deleted unless the client sent `store: true`.
   */
  background: boolean;
  /** The `x-adapter-warnings` of a real call, with the reasons. */
  warnings: AdapterWarning[];
  /** Each parameter of the request and its fate for these values. */
  parameters: ParameterFate[];
  /** The answer a real call would get instead, when refused: its HTTP status and OpenAI-shaped error. */
  status: number;
  error: { message: string; type: string; param: string | null; code: string | null } | null;
}

export function dryRun(body: unknown, translation: ChatTranslation, continuity: ReasoningContinuity): DryRun {
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  try {
    const translated = translateChat(body, translation);
    const request = continuity.withoutMemory(translated.request);
    const background = runsInBackground(translation.backgroundModes, request.model);
    return {
      ok: true,
      request: background ? backgroundRequest(request) : request,
      background,
      warnings: translated.warnings,
      parameters: fatesOf(fields, translated.warnings),
      status: 200,
      error: null,
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return {
      ok: false,
      request: null,
      background: false,
      warnings: [],
      parameters: fatesOf(fields, [], { param: error.param, message: error.message }),
      status: error.status,
      error: error.toBody().error,
    };
  }
}
