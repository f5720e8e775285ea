import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { parseChatRequest } from '../../src/schema/validate.js';
import { toResponsesRequest } from '../../src/translate/request.js';
import { nested } from './invalid-arbitraries.js';
import { prototypesArePristine } from './fuzz-runs.js';

const chat = (extra: Record<string, unknown>) => ({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...extra });
const toolWithSchema = (schema: unknown) => ({ tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', default: schema } } }] });

function refusal(body: unknown): { status: number; param: string | null; message: string } | undefined {
  try {
    toResponsesRequest(parseChatRequest(body));
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, param: error.param, message: error.message };
  }
}

// The param names the first container 100 levels below the body (body → tools → [0] → function → … ).
describe('JSON the adapter refuses whatever the field', () => {
  it.each([
    {
      case: 'a tool schema nested 10,000 levels deep',
      body: chat(toolWithSchema(nested(10_000))),
      param: `tools[0].function.parameters.default${'[0]'.repeat(95)}`,
    },
    { case: 'moderation nested 101 levels deep', body: chat({ moderation: { deep: nested(101) } }), param: `moderation.deep${'[0]'.repeat(98)}` },
    { case: 'a __proto__ key in metadata', body: chat({ metadata: JSON.parse('{"__proto__":"x"}') }), param: 'metadata.__proto__' },
    {
      case: 'a __proto__ key deep in a tool schema',
      body: chat(toolWithSchema(JSON.parse('{"properties":{"__proto__":{}}}'))),
      param: 'tools[0].function.parameters.default.properties.__proto__',
    },
  ])('$case: 400 naming where', ({ body, param }) => {
    expect(refusal(body)).toEqual({ status: 400, param, message: expect.stringContaining(`'${param}'`) });
    expect(prototypesArePristine()).toBe(true);
  });
});

describe('JSON the adapter keeps as it came', () => {
  it('a tool schema nested 90 levels deep reaches the upstream intact', () => {
    const schema = nested(90, { type: 'string' });
    const { request } = toResponsesRequest(parseChatRequest(chat(toolWithSchema(schema))));
    expect(JSON.parse(JSON.stringify(request.tools))).toEqual([
      { type: 'function', name: 'lookup', parameters: { type: 'object', default: schema }, strict: false },
    ]);
  });

  it('map keys named like prototype members stay plain keys', () => {
    const metadata = JSON.parse('{"constructor":"a","prototype":"b","toString":"c","hasOwnProperty":"d"}');
    const { request } = toResponsesRequest(parseChatRequest(chat({ metadata })));
    expect(JSON.parse(JSON.stringify(request.metadata))).toEqual({ constructor: 'a', prototype: 'b', toString: 'c', hasOwnProperty: 'd' });
    expect(prototypesArePristine()).toBe(true);
  });
});
