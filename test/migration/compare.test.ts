import { describe, expect, it } from 'vitest';
import { compareAnswers } from '../../src/migration/compare.js';
import { answered, failed, plainRequest, toolRequest } from './sides.js';

describe('compareAnswers: finish reason', () => {
  it.each([
    ['stop', 'stop', false],
    ['stop', 'length', true],
    ['tool_calls', 'stop', true],
  ])('%s vs %s diverges: %s', (chat, responses, divergent) => {
    const record = compareAnswers(plainRequest, answered({ content: 'a', finish: chat }), answered({ content: 'a', finish: responses }));
    expect(record.finishReason).toEqual({ applicable: true, divergent });
    expect(record.chat.finishReasons).toEqual([chat]);
    expect(record.responses.finishReasons).toEqual([responses]);
  });

  it('compares every choice of n, and a missing choice diverges', () => {
    const two = answered([{ content: 'a' }, { content: 'b' }]);
    expect(compareAnswers(plainRequest, two, answered([{ content: 'a' }, { content: 'b' }])).finishReason.divergent).toBe(false);
    expect(compareAnswers(plainRequest, two, answered([{ content: 'a' }])).finishReason.divergent).toBe(true);
  });
});

describe('compareAnswers: tool calls', () => {
  const weather = (args: string) => answered({ toolCalls: [['get_weather', args]] });

  it('arguments equal up to key order, at every depth, are equal', () => {
    const record = compareAnswers(
      toolRequest,
      weather('{"city":"Paris","options":{"unit":"c","days":[1,{"b":2,"a":1}]}}'),
      weather('{"options":{"days":[1,{"a":1,"b":2}],"unit":"c"},"city":"Paris"}'),
    );
    expect(record.toolCalls).toEqual({ applicable: true, divergent: false, namesEqual: true, argumentsEqual: true });
    expect(record.divergences).toEqual([]);
  });

  it('different argument values diverge; array order matters', () => {
    expect(compareAnswers(toolRequest, weather('{"city":"Paris"}'), weather('{"city":"Lyon"}')).toolCalls).toMatchObject({
      divergent: true,
      namesEqual: true,
      argumentsEqual: false,
    });
    expect(compareAnswers(toolRequest, weather('{"days":[1,2]}'), weather('{"days":[2,1]}')).toolCalls.argumentsEqual).toBe(false);
  });

  it('names must be equal in order', () => {
    const two = (first: string, second: string) => answered({ toolCalls: [[first, '{}'], [second, '{}']] });
    const record = compareAnswers(toolRequest, two('a', 'b'), two('b', 'a'));
    expect(record.toolCalls).toMatchObject({ divergent: true, namesEqual: false });
    expect(compareAnswers(toolRequest, two('a', 'b'), answered({ toolCalls: [['a', '{}']] })).toolCalls.namesEqual).toBe(false);
  });

  it('records argument validity on each side; invalid JSON never counts as equal', () => {
    const record = compareAnswers(toolRequest, weather('{"city":"Paris"}'), weather('{"city":"Paris"'));
    expect(record.chat.toolCalls).toEqual([{ choice: 0, name: 'get_weather', argumentsValid: true }]);
    expect(record.responses.toolCalls).toEqual([{ choice: 0, name: 'get_weather', argumentsValid: false }]);
    expect(record.toolCalls.argumentsEqual).toBe(false);
    expect(compareAnswers(toolRequest, weather('nope'), weather('nope')).toolCalls.argumentsEqual).toBe(false);
  });

  it('a tool call against text diverges; no tools and no calls is not applicable', () => {
    expect(compareAnswers(toolRequest, weather('{}'), answered({ content: 'Sunny.' })).toolCalls.divergent).toBe(true);
    expect(compareAnswers(plainRequest, answered({ content: 'a' }), answered({ content: 'a' })).toolCalls.applicable).toBe(false);
  });

  it('reads legacy function_call and custom tool calls', () => {
    const legacy = (args: string) => ({
      status: 200,
      latencyMs: 1,
      body: { choices: [{ index: 0, message: { role: 'assistant', content: null, function_call: { name: 'f', arguments: args } }, finish_reason: 'function_call' }] },
    });
    expect(compareAnswers(plainRequest, legacy('{"a":1,"b":2}'), legacy('{"b":2,"a":1}')).toolCalls).toMatchObject({ applicable: true, divergent: false });
    const custom = (input: string) => ({
      status: 200,
      latencyMs: 1,
      body: { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'sql', input } }] }, finish_reason: 'tool_calls' }] },
    });
    const same = compareAnswers(plainRequest, custom('SELECT 1'), custom('SELECT 1'));
    expect(same.responses.toolCalls).toEqual([{ choice: 0, name: 'sql', argumentsValid: true }]);
    expect(same.toolCalls.divergent).toBe(false);
    expect(compareAnswers(plainRequest, custom('SELECT 1'), custom('SELECT 2')).toolCalls.divergent).toBe(true);
  });
});

describe('compareAnswers: structured output', () => {
  const schemaRequest = {
    ...plainRequest,
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'person',
        strict: true,
        schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: ['integer', 'null'] } }, required: ['name', 'age'], additionalProperties: false },
      },
    },
  };

  it('valid on both sides', () => {
    const record = compareAnswers(schemaRequest, answered({ content: '{"name":"Ana","age":null}' }), answered({ content: '{"age":31,"name":"Rui"}' }));
    expect(record.chat.structuredOutput).toEqual({ valid: true, errors: [] });
    expect(record.structuredOutput).toEqual({ applicable: true, divergent: false, kind: 'json_schema' });
  });

  it('invalid on one side diverges and names the error', () => {
    const record = compareAnswers(schemaRequest, answered({ content: '{"name":"Ana","age":3}' }), answered({ content: '{"name":"Ana","age":"3","extra":1}' }));
    expect(record.responses.structuredOutput).toEqual({
      valid: false,
      errors: ['$.age: expected integer or null, got string', "$: unexpected property 'extra'"],
    });
    expect(record.structuredOutput.divergent).toBe(true);
    expect(record.divergences).toContain('structured_output');
  });

  it('text that is not JSON is invalid; both invalid is not a divergence', () => {
    const record = compareAnswers(schemaRequest, answered({ content: 'Sure! {"name":"Ana"}' }), answered({ content: '```json\n{}\n```' }));
    expect(record.chat.structuredOutput).toEqual({ valid: false, errors: ['$: not valid JSON'] });
    expect(record.structuredOutput).toMatchObject({ applicable: true, divergent: false });
  });

  it('json_object asks for any JSON object', () => {
    const request = { ...plainRequest, response_format: { type: 'json_object' } };
    const record = compareAnswers(request, answered({ content: '{"a":1}' }), answered({ content: '[1]' }));
    expect(record.structuredOutput).toEqual({ applicable: true, divergent: true, kind: 'json_object' });
    expect(record.responses.structuredOutput?.errors).toEqual(['$: not a JSON object']);
  });

  it('is not checked without response_format, or when a side refused', () => {
    expect(compareAnswers(plainRequest, answered({ content: '{}' }), answered({ content: '{}' })).structuredOutput.applicable).toBe(false);
    const record = compareAnswers(schemaRequest, answered({ content: '{"name":"Ana","age":1}' }), answered({ refusal: 'No.' }));
    expect(record.responses.structuredOutput).toBeNull();
    expect(record.structuredOutput.applicable).toBe(false);
    expect(record.divergences).toEqual(['refusal']);
  });
});

describe('compareAnswers: refusals', () => {
  it('a refusal on either side diverges; on both it does not', () => {
    const refused = answered({ refusal: "I can't help with that." });
    expect(compareAnswers(plainRequest, answered({ content: 'Here you go' }), refused).refusal).toEqual({ applicable: true, divergent: true });
    expect(compareAnswers(plainRequest, refused, answered({ content: 'Here you go' })).chat.refusal).toBe(true);
    expect(compareAnswers(plainRequest, refused, refused).refusal.divergent).toBe(false);
  });
});

describe('compareAnswers: errors', () => {
  it('an error on one side diverges and keeps its status and code', () => {
    const record = compareAnswers(plainRequest, answered({ content: 'a' }), failed(429, 'rate_limit_exceeded', 'Slow down'));
    expect(record.responses.error).toEqual({ status: 429, code: 'rate_limit_exceeded', message: 'Slow down' });
    expect(record.responses.ok).toBe(false);
    expect(record.errors).toEqual({ applicable: true, divergent: true });
    expect(record.divergences).toEqual(['errors']);
    // Nothing else can be compared when one side has no answer.
    expect([record.finishReason.applicable, record.content.applicable, record.refusal.applicable]).toEqual([false, false, false]);
  });

  it('the same error status on both sides is not a divergence; different statuses are', () => {
    expect(compareAnswers(plainRequest, failed(400, 'invalid_value'), failed(400, null)).errors.divergent).toBe(false);
    expect(compareAnswers(plainRequest, failed(400, 'invalid_value'), failed(502, null)).errors.divergent).toBe(true);
  });

  it('transport errors and stream error frames count, and so does a 200 that is no completion', () => {
    const refused = { status: 0, body: null, latencyMs: 3, error: { status: 0, code: 'connection_error', message: 'ECONNREFUSED' } };
    expect(compareAnswers(plainRequest, answered({ content: 'a' }), refused).responses.error?.code).toBe('connection_error');
    const odd = compareAnswers(plainRequest, answered({ content: 'a' }), { status: 200, body: '<html>', latencyMs: 1 });
    expect(odd.responses.error).toMatchObject({ status: 200, code: 'invalid_answer' });
  });
});

describe('compareAnswers: content, usage, latency', () => {
  it('equal content, similarity 1', () => {
    const record = compareAnswers(plainRequest, answered({ content: 'Hello there' }), answered({ content: 'Hello there' }));
    expect(record.content).toEqual({ applicable: true, divergent: false, equal: true, similarity: 1 });
  });

  it('different content below the threshold diverges; the threshold is an option', () => {
    const chat = answered({ content: 'The capital of France is Paris.' });
    const responses = answered({ content: 'Bananas are yellow.' });
    expect(compareAnswers(plainRequest, chat, responses).content).toMatchObject({ divergent: true, equal: false, similarity: 0 });
    const similar = answered({ content: 'Paris is the capital of France.' });
    expect(compareAnswers(plainRequest, chat, similar).content).toMatchObject({ divergent: false, equal: false, similarity: 1 });
    expect(compareAnswers(plainRequest, chat, answered({ content: 'Paris is in France.' }), { similarityThreshold: 0.9 }).content.divergent).toBe(true);
  });

  it('tool-call answers without text have no content to compare', () => {
    const call = answered({ toolCalls: [['get_weather', '{}']] });
    expect(compareAnswers(toolRequest, call, call).content.applicable).toBe(false);
  });

  it('keeps usage and latency of each side, and the request id, model and stream flag', () => {
    const record = compareAnswers(
      { ...plainRequest, stream: true },
      answered({ content: 'a' }, 120, [11, 4]),
      answered({ content: 'a' }, 340, [12, 6]),
      { id: 'cap_1' },
    );
    expect(record).toMatchObject({ id: 'cap_1', model: 'gpt-test', stream: true });
    expect(record.chat).toMatchObject({ latencyMs: 120, usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 } });
    expect(record.responses).toMatchObject({ latencyMs: 340, usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } });
  });

  it('orders divergences by importance and weighs the worst highest', () => {
    const bad = compareAnswers(toolRequest, answered({ content: 'x', toolCalls: [['a', '{}']] }), answered({ refusal: 'no', finish: 'stop' }));
    expect(bad.divergences).toEqual(['tool_calls', 'refusal', 'finish_reason']);
    const mild = compareAnswers(plainRequest, answered({ content: 'a b c' }), answered({ content: 'x y z' }));
    expect(bad.severity).toBeGreaterThan(mild.severity);
  });
});
