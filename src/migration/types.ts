/**
 * The data of migration testing: one answer from each path, and what comparing them found. Plain
 * types with no behaviour, shared by the comparison rules, replay, the reports and (later) shadow mode.
 */

/** What went wrong on one path: an HTTP error, a broken connection, or an error frame in a stream. */
export interface SideError {
  /** HTTP status; 0 when no HTTP answer came (connection refused, timeout). */
  status: number;
  code: string | null;
  message: string;
}

/** One path's answer to a request, as replay or shadow mode observed it. */
export interface AnswerSide {
  /** HTTP status; 0 when no HTTP answer came. */
  status: number;
  /** A `chat.completion` object (streams assembled into one), or the error body. */
  body: unknown;
  latencyMs: number;
  /** Set when the call failed in a way the body does not show (transport error, stream error frame). */
  error?: SideError;
}

export interface TokenUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
}

export interface ToolCallFacts {
  /** The choice the call belongs to. */
  choice: number;
  name: string;
  /** Function arguments parse as JSON; custom tool input is free text and always counts as valid. */
  argumentsValid: boolean;
}

export interface SchemaCheck {
  valid: boolean;
  /** The first few validation errors, as `path: message`. */
  errors: string[];
}

/** What one side's answer says, read leniently from its body. */
export interface SideFacts {
  status: number;
  /** A usable answer: 2xx, no error, at least one choice. */
  ok: boolean;
  error: SideError | null;
  latencyMs: number;
  /** One entry per choice, by choice index. */
  finishReasons: Array<string | null>;
  refusal: boolean;
  toolCalls: ToolCallFacts[];
  /** Only when the request asked for `json_schema` or `json_object` output and the answer has text. */
  structuredOutput: SchemaCheck | null;
  usage: TokenUsage | null;
}

/** The features compared, in order of how much a divergence matters to a switch. */
export const features = ['errors', 'tool_calls', 'structured_output', 'refusal', 'finish_reason', 'content'] as const;
export type Feature = (typeof features)[number];

/** One feature's verdict for one pair: whether it could be compared, and whether the sides differ. */
export interface FeatureCheck {
  applicable: boolean;
  divergent: boolean;
}

export interface ComparisonRecord {
  /** The capture's id, or `line N` of the input file. */
  id: string;
  model: string | null;
  stream: boolean;
  chat: SideFacts;
  responses: SideFacts;
  errors: FeatureCheck;
  finishReason: FeatureCheck;
  content: FeatureCheck & {
    /** Equal after Unicode canonical normalisation (NFC). */
    equal: boolean;
    /** 0 to 1, see similarity.ts; 1 when both are empty. Compared (applicable) when either side has text. */
    similarity: number;
  };
  toolCalls: FeatureCheck & { namesEqual: boolean; argumentsEqual: boolean };
  structuredOutput: FeatureCheck & { kind: 'json_schema' | 'json_object' | null };
  refusal: FeatureCheck;
  /** The divergent features, most important first. */
  divergences: Feature[];
  /** Higher is worse; orders the worst cases in a report. */
  severity: number;
}
