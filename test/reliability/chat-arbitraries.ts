/**
 * fast-check arbitraries for VALID Chat Completions requests, written from REFERENCE §1: every
 * message role and content part, tools, every tool_choice form, response_format and parameters,
 * with the cross-field rules the API states (tool messages answer earlier calls, `stream_options`
 * only when streaming, `top_logprobs` only with `logprobs`, `tools` or legacy `functions`).
 */
import fc from 'fast-check';

type Json = Record<string, unknown>;

/** Characters that break naive code: NUL, lone surrogates, CR/LF and SSE framing, BOM, RTL override. */
const trickyPiece = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\r\n',
  '\n\ndata: [DONE]\n\n',
  '\ufeff',
  '\u202e',
  '\u2028',
  '"',
  '\\',
  '😀',
  '\uffff',
);
export const trickyText = fc.string({
  unit: fc.oneof(trickyPiece, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 8,
});

export const text = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 24 }) }, { weight: 1, arbitrary: trickyText });
const nonEmptyText = text.filter((value) => value.length > 0);
const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/);

/** `null` means "not set" everywhere in the Chat API. */
const orNull = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arbitrary, { nil: null, freq: 6 });

/** Free-form JSON (schemas, options) without `__proto__` keys, which are rejected on purpose. */
const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value).includes('"__proto__"'));
const recordKey = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty'));
export const jsonObject = fc.dictionary(recordKey.filter((key) => key !== '__proto__'), jsonValue, { maxKeys: 4 });

const breakpoint = fc.constant({ mode: 'explicit' });
const textPart = fc.record(
  { type: fc.constant('text'), text, prompt_cache_breakpoint: breakpoint },
  { requiredKeys: ['type', 'text'] },
);
const textContent = fc.oneof(text, fc.array(textPart, { minLength: 1, maxLength: 3 }));

const imageUrl = fc.oneof(fc.webUrl(), fc.base64String({ minLength: 4, maxLength: 24 }).map((data) => `data:image/png;base64,${data}`));
const imagePart = fc.record(
  {
    type: fc.constant('image_url'),
    image_url: fc.record(
      { url: imageUrl, detail: orNull(fc.constantFrom('auto', 'low', 'high', 'original')) },
      { requiredKeys: ['url'] },
    ),
    prompt_cache_breakpoint: breakpoint,
  },
  { requiredKeys: ['type', 'image_url'] },
);
const filePart = fc.record({
  type: fc.constant('file'),
  file: fc.oneof(
    fc.record({ file_id: identifier.map((id) => `file-${id}`) }),
    fc.record(
      { file_data: fc.base64String({ minLength: 4, maxLength: 24 }), filename: orNull(nonEmptyText) },
      { requiredKeys: ['file_data'] },
    ),
  ),
});
const userContent = fc.oneof(text, fc.array(fc.oneof(textPart, imagePart, filePart), { minLength: 1, maxLength: 4 }));

const participantName = { name: orNull(identifier) };

const systemMessage = fc.record(
  { role: fc.constantFrom('system', 'developer'), content: textContent, ...participantName },
  { requiredKeys: ['role', 'content'] },
);
const userMessage = fc.record({ role: fc.constant('user'), content: userContent, ...participantName }, { requiredKeys: ['role', 'content'] });

const assistantContent = fc.oneof(
  text,
  fc.constant(null),
  fc.array(fc.oneof(textPart, fc.record({ type: fc.constant('refusal'), refusal: text })), { maxLength: 3 }),
);
const assistantExtras = {
  content: assistantContent,
  refusal: orNull(text),
  reasoning_content: orNull(text),
  annotations: orNull(fc.array(jsonObject, { maxLength: 2 })),
  ...participantName,
};
const assistantMessage = fc.record({ role: fc.constant('assistant'), ...assistantExtras }, { requiredKeys: ['role'] });

/** One element of a conversation; ids are minted when the conversation is put together. */
type Turn =
  | { kind: 'single'; message: Json }
  | { kind: 'tool-round'; assistant: Json; calls: Array<{ custom: boolean; name: string; payload: string }>; answers: Array<{ call: number; content: unknown }> }
  | { kind: 'legacy-round'; assistant: Json; name: string; args: string; result: string | null };

const toolRound = fc
  .record({
    assistant: fc.record(assistantExtras, { requiredKeys: [] }),
    calls: fc.array(fc.record({ custom: fc.boolean(), name: identifier, payload: text }), { minLength: 1, maxLength: 3 }),
    answerContents: fc.array(textContent, { maxLength: 3 }),
  })
  .map(({ assistant, calls, answerContents }): Turn => ({
    kind: 'tool-round',
    assistant,
    calls,
    // Answers may skip calls or come in any order; they must answer a call of this round.
    answers: answerContents.map((content, index) => ({ call: (index * 7) % calls.length, content })),
  }));

const legacyRound = fc
  .record({ assistant: fc.record(assistantExtras, { requiredKeys: [] }), name: identifier, args: text, result: orNull(text) })
  .map((round): Turn => ({ kind: 'legacy-round', ...round }));

const turn: fc.Arbitrary<Turn> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(systemMessage, userMessage, assistantMessage).map((message): Turn => ({ kind: 'single', message })) },
  { weight: 2, arbitrary: toolRound },
  { weight: 1, arbitrary: legacyRound },
);

function conversation(turns: Turn[]): Json[] {
  return turns.flatMap((current, turnIndex): Json[] => {
    if (current.kind === 'single') return [current.message];
    if (current.kind === 'legacy-round') {
      return [
        { role: 'assistant', ...current.assistant, function_call: { name: current.name, arguments: current.args } },
        { role: 'function', name: current.name, content: current.result },
      ];
    }
    const callId = (call: number) => `call_${turnIndex}_${call}`;
    const toolCalls = current.calls.map((call, index) =>
      call.custom
        ? { id: callId(index), type: 'custom', custom: { name: call.name, input: call.payload } }
        : { id: callId(index), type: 'function', function: { name: call.name, arguments: call.payload } },
    );
    return [
      { role: 'assistant', ...current.assistant, tool_calls: toolCalls },
      ...current.answers.map((answer) => ({ role: 'tool', tool_call_id: callId(answer.call), content: answer.content })),
    ];
  });
}

const functionDefinition = fc.record(
  { name: identifier, description: orNull(text), parameters: orNull(jsonObject), strict: orNull(fc.boolean()) },
  { requiredKeys: ['name'] },
);
const customTool = fc.record({
  type: fc.constant('custom'),
  custom: fc.record(
    {
      name: identifier,
      description: orNull(text),
      format: orNull(
        fc.oneof(
          fc.constant({ type: 'text' }),
          fc.record({
            type: fc.constant('grammar'),
            grammar: fc.record({ definition: text, syntax: fc.constantFrom('lark', 'regex') }),
          }),
        ),
      ),
    },
    { requiredKeys: ['name'] },
  ),
});
const tool = fc.oneof(fc.record({ type: fc.constant('function'), function: functionDefinition }), customTool);

const namedTool = fc.oneof(
  identifier.map((name) => ({ type: 'function', function: { name } })),
  identifier.map((name) => ({ type: 'custom', custom: { name } })),
);
export const toolChoice = fc.oneof(
  fc.constantFrom('none', 'auto', 'required'),
  namedTool,
  fc.record({
    type: fc.constant('allowed_tools'),
    allowed_tools: fc.record({ mode: fc.constantFrom('auto', 'required'), tools: fc.array(namedTool, { minLength: 1, maxLength: 3 }) }),
  }),
);

/** `tools` (with `tool_choice`), the legacy `functions` (with `function_call`), or neither. */
const tooling = fc.oneof(
  fc.constant({}),
  fc.record(
    { tools: fc.array(tool, { maxLength: 4 }), tool_choice: orNull(toolChoice), parallel_tool_calls: orNull(fc.boolean()) },
    { requiredKeys: ['tools'] },
  ),
  fc.record(
    {
      functions: fc.array(functionDefinition, { minLength: 1, maxLength: 3 }),
      function_call: orNull(fc.oneof(fc.constantFrom('none', 'auto'), identifier.map((name) => ({ name })))),
    },
    { requiredKeys: ['functions'] },
  ),
);

const responseFormat = fc.oneof(
  fc.constant({ type: 'text' }),
  fc.constant({ type: 'json_object' }),
  fc.record({
    type: fc.constant('json_schema'),
    json_schema: fc.record(
      {
        name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        description: orNull(text),
        schema: orNull(jsonObject),
        strict: orNull(fc.boolean()),
      },
      { requiredKeys: ['name'] },
    ),
  }),
);

const webSearchOptions = fc.record(
  {
    search_context_size: orNull(fc.constantFrom('low', 'medium', 'high')),
    user_location: orNull(
      fc.record({
        type: fc.constant('approximate'),
        approximate: fc.record(
          { city: orNull(text), country: orNull(text), region: orNull(text), timezone: orNull(text) },
          { requiredKeys: [] },
        ),
      }),
    ),
  },
  { requiredKeys: [] },
);

const probability = (max: number) => fc.double({ min: 0, max, noNaN: true });
const penalty = fc.double({ min: -2, max: 2, noNaN: true });

const parameters = fc.record(
  {
    stream: orNull(fc.boolean()),
    stream_options: orNull(
      fc.record({ include_usage: orNull(fc.boolean()), include_obfuscation: orNull(fc.boolean()) }, { requiredKeys: [] }),
    ),
    max_tokens: orNull(fc.integer({ min: 1, max: 100_000 })),
    max_completion_tokens: orNull(fc.integer({ min: 1, max: 100_000 })),
    temperature: orNull(probability(2)),
    top_p: orNull(probability(1)),
    n: orNull(fc.integer({ min: 1, max: 3 })),
    stop: orNull(fc.oneof(text, fc.array(text, { maxLength: 4 }))),
    presence_penalty: orNull(penalty),
    frequency_penalty: orNull(penalty),
    logit_bias: orNull(fc.dictionary(fc.integer({ min: 0, max: 100_000 }).map(String), fc.integer({ min: -100, max: 100 }), { maxKeys: 3 })),
    logprobs: orNull(fc.boolean()),
    top_logprobs: orNull(fc.integer({ min: 0, max: 20 })),
    seed: orNull(fc.integer()),
    response_format: orNull(responseFormat),
    reasoning_effort: orNull(fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max')),
    verbosity: orNull(fc.constantFrom('low', 'medium', 'high')),
    modalities: orNull(fc.constantFrom([], ['text'])),
    prediction: orNull(fc.record({ type: fc.constant('content'), content: fc.oneof(text, fc.array(textPart, { maxLength: 2 })) })),
    web_search_options: orNull(webSearchOptions),
    store: orNull(fc.boolean()),
    metadata: orNull(
      fc.dictionary(
        fc.string({ maxLength: 64 }).filter((key) => key !== '__proto__'),
        fc.string({ maxLength: 512 }),
        { maxKeys: 4 },
      ),
    ),
    user: orNull(text),
    safety_identifier: orNull(fc.string({ maxLength: 64 })),
    prompt_cache_key: orNull(text),
    prompt_cache_retention: orNull(fc.constantFrom('in_memory', 'in-memory', '24h')),
    prompt_cache_options: orNull(jsonObject),
    service_tier: orNull(fc.constantFrom('auto', 'default', 'flex', 'scale', 'priority')),
    moderation: orNull(jsonObject),
  },
  { requiredKeys: [] },
);

/** A Chat request the API documents as valid. */
export const validChatRequest: fc.Arbitrary<Json> = fc
  .record({
    model: fc.oneof(identifier, nonEmptyText),
    turns: fc.array(turn, { minLength: 1, maxLength: 6 }),
    tooling,
    parameters,
  })
  .map(({ model, turns, tooling: toolFields, parameters: parameterFields }) => {
    const request: Json = { model, messages: conversation(turns), ...toolFields, ...parameterFields };
    if (request.stream !== true) delete request.stream_options;
    if (request.logprobs !== true) delete request.top_logprobs;
    return request;
  });

/** How many tool calls (new and legacy) a valid request's messages carry. */
export function toolCallCount(request: Json): number {
  return (request.messages as Json[]).reduce(
    (count, message) =>
      count + (Array.isArray(message.tool_calls) ? message.tool_calls.length : 0) + (message.function_call ? 1 : 0),
    0,
  );
}
