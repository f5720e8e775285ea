/** What the real API rejects, so Chat-shaped requests fail here too, with the real error bodies. */

export interface RequestError {
  status: number;
  message: string;
  param: string | null;
  code: string | null;
}

const responseCreateParameters = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
  'max_tool_calls', 'temperature', 'top_p', 'top_logprobs', 'text', 'reasoning', 'include',
  'previous_response_id', 'conversation', 'store', 'background', 'stream', 'stream_options', 'truncation',
  'metadata', 'user', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention',
  'prompt_cache_options', 'service_tier', 'prompt', 'moderation', 'context_management',
]);


const inputRoles = ['assistant', 'system', 'developer', 'user'];
const inputContentTypes = [
  'input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', 'summary_text',
];


/** Returns the first error the real API would report for this create body, or undefined. */
export function findRequestError(body: unknown): RequestError | undefined {
  if (!isRecord(body)) return badRequest('Invalid body: expected a JSON object.', null, null);
  return (
    checkTopLevelParameters(body) ??
    checkNumberRanges(body) ??
    checkTools(body.tools) ??
    checkToolChoice(body.tool_choice) ??
    checkTextFormat(body.text) ??
    checkInput(body.input, body.previous_response_id != null || body.conversation != null)
  );
}

function badRequest(message: string, param: string | null, code: string | null): RequestError {
  return { status: 400, message, param, code };
}

function unknownParameter(param: string): RequestError {
  return badRequest(`Unknown parameter: '${param}'.`, param, 'unknown_parameter');
}

function missingParameter(param: string): RequestError {
  return badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function invalidValue(param: string, value: unknown, supported: string[]): RequestError {
  const list = supported.map((item) => `'${item}'`);
  const listText = `${list.slice(0, -1).join(', ')}, and ${list.at(-1)}`;
  return badRequest(`Invalid value: '${String(value)}'. Supported values are: ${listText}.`, param, 'invalid_value');
}

function checkTopLevelParameters(body: Record<string, any>): RequestError | undefined {
  const unknown = Object.keys(body).find((key) => !responseCreateParameters.has(key));
  if (unknown !== undefined) return unknownParameter(unknown);
  // A stored prompt template may supply the model.
  if (body.model == null && body.prompt == null) return missingParameter('model');
  return undefined;
}

function checkNumberRanges(body: Record<string, any>): RequestError | undefined {
  const { max_output_tokens: maxOutputTokens, temperature, top_p: topP } = body;
  if (typeof maxOutputTokens === 'number' && maxOutputTokens < 16) {
    return badRequest(
      `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${maxOutputTokens} instead.`,
      'max_output_tokens',
      'integer_below_min_value',
    );
  }
  return checkDecimalRange('temperature', temperature, 0, 2) ?? checkDecimalRange('top_p', topP, 0, 1);
}

function checkDecimalRange(param: string, value: unknown, minimum: number, maximum: number): RequestError | undefined {
  if (typeof value !== 'number') return undefined;
  if (value < minimum) {
    return badRequest(
      `Invalid '${param}': decimal below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`,
      param,
      'decimal_below_min_value',
    );
  }
  if (value > maximum) {
    return badRequest(
      `Invalid '${param}': decimal above maximum value. Expected a value <= ${maximum}, but got ${value} instead.`,
      param,
      'decimal_above_max_value',
    );
  }
  return undefined;
}

function checkTools(tools: unknown): RequestError | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool) || tool.type !== 'function') continue;
    // The Chat shape `{type:'function', function:{name,…}}` is reported as a missing flat `name`.
    if (typeof tool.name !== 'string') return missingParameter(`tools[${index}].name`);
    if ('function' in tool) return unknownParameter(`tools[${index}].function`);
  }
  return undefined;
}

function checkToolChoice(toolChoice: unknown): RequestError | undefined {
  if (!isRecord(toolChoice)) return undefined;
  const chatShapedKey = ['function', 'custom', 'allowed_tools'].find((key) => key in toolChoice);
  return chatShapedKey === undefined ? undefined : unknownParameter(`tool_choice.${chatShapedKey}`);
}

function checkTextFormat(text: unknown): RequestError | undefined {
  if (!isRecord(text) || !isRecord(text.format)) return undefined;
  if (text.format.type === 'json_schema' && 'json_schema' in text.format) {
    return unknownParameter('text.format.json_schema');
  }
  return undefined;
}

function checkInput(input: unknown, continuesEarlierResponse: boolean): RequestError | undefined {
  if (!Array.isArray(input)) return undefined;
  const callIds = new Set<unknown>();
  for (const [index, item] of input.entries()) {
    if (!isRecord(item)) continue;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'message') {
      const error = checkInputMessage(item, index);
      if (error) return error;
    }
    if (type === 'function_call' || type === 'custom_tool_call') callIds.add(item.call_id);
    // Outputs may answer calls of the response named by previous_response_id / conversation.
    if (type === 'function_call_output' && !continuesEarlierResponse && !callIds.has(item.call_id)) {
      return badRequest(`No tool call found for function call output with call_id ${String(item.call_id)}.`, 'input', null);
    }
    if (type === 'reasoning' && 'status' in item) return unknownParameter(`input[${index}].status`);
  }
  return undefined;
}

function checkInputMessage(message: Record<string, any>, index: number): RequestError | undefined {
  if (!inputRoles.includes(message.role)) return invalidValue(`input[${index}].role`, message.role, inputRoles);
  if ('tool_calls' in message) return unknownParameter(`input[${index}].tool_calls`);
  if (!Array.isArray(message.content)) return undefined;
  for (const [partIndex, part] of message.content.entries()) {
    if (isRecord(part) && !inputContentTypes.includes(part.type)) {
      return invalidValue(`input[${index}].content[${partIndex}].type`, part.type, inputContentTypes);
    }
  }
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function errorBody(error: RequestError): { error: Record<string, unknown> } {
  return { error: { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code } };
}

export function invalidJsonError(): RequestError {
  return {
    status: 400,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    param: null,
    code: null,
  };
}

export function responseNotFoundError(id: string): RequestError {
  return { status: 404, message: `Response with id '${id}' not found.`, param: null, code: null };
}
