import { describe, expect, it } from 'vitest';
import { assembleChunks } from '../../src/migration/assemble-chunks.js';
import { readChunkStream } from '../../src/migration/chunk-stream.js';

const envelope = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1767225600, model: 'gpt-test' };
const chunk = (index: number, delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
  ...envelope,
  ...extra,
  choices: [{ index, delta, logprobs: null, finish_reason: finish }],
});

describe('assembleChunks', () => {
  it('joins text deltas and keeps the last finish reason and the usage chunk', () => {
    const completion = assembleChunks([
      chunk(0, { role: 'assistant', content: '' }, null, { usage: null }),
      chunk(0, { content: 'Hel' }, null, { usage: null }),
      chunk(0, { content: 'lo 👋🏽' }, null, { usage: null }),
      chunk(0, {}, 'stop', { usage: null }),
      { ...envelope, choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
    ]);
    expect(completion).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello 👋🏽', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      chunk_count: 5,
    });
  });

  it('builds parallel tool calls from their index, id and name on the first delta and argument fragments after', () => {
    const completion = assembleChunks([
      chunk(0, { role: 'assistant', content: null }),
      chunk(0, { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk(0, { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz"' } }] }),
      chunk(0, { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk(0, { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk(0, { tool_calls: [{ index: 1, function: { arguments: ':"UTC"}' } }] }),
      chunk(0, {}, 'tool_calls'),
    ]);
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('keeps n choices apart, interleaved, ordered by index', () => {
    const completion = assembleChunks([
      chunk(1, { role: 'assistant', content: 'B' }),
      chunk(0, { role: 'assistant', content: 'A' }),
      chunk(1, { content: '2' }, 'stop'),
      chunk(0, { content: '1' }, 'length'),
    ]);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'A1', 'length'],
      [1, 'B2', 'stop'],
    ]);
  });

  it('keeps refusals, reasoning, legacy function calls and custom tool input', () => {
    const completion = assembleChunks([
      chunk(0, { role: 'assistant', refusal: "I can't " }),
      chunk(0, { refusal: 'help.', reasoning_content: 'thinking' }),
      chunk(0, { function_call: { name: 'lookup', arguments: '{"a"' } }),
      chunk(0, { function_call: { arguments: ':1}' } }),
      chunk(0, { tool_calls: [{ index: 0, id: 'c1', type: 'custom', custom: { name: 'sql', input: 'SELECT' } }] }),
      chunk(0, { tool_calls: [{ index: 0, custom: { input: ' 1' } }] }, 'stop'),
    ]);
    expect(completion.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: "I can't help.",
      reasoning_content: 'thinking',
      tool_calls: [{ id: 'c1', type: 'custom', custom: { name: 'sql', input: 'SELECT 1' } }],
      function_call: { name: 'lookup', arguments: '{"a":1}' },
    });
  });

  it('is empty for no chunks and ignores what is not a chunk', () => {
    expect(assembleChunks([null, 'x', 3])).toMatchObject({ choices: [], usage: null, chunk_count: 0 });
  });
});

describe('readChunkStream', () => {
  const frames = (...data: string[]) => data.map((item) => `data: ${item}\n\n`).join('');

  it('reads data frames up to [DONE], whatever the line endings', () => {
    const text = frames(JSON.stringify(chunk(0, { content: 'a' })), '[DONE]').replaceAll('\n', '\r\n');
    expect(readChunkStream(text, 200)).toEqual({ chunks: [chunk(0, { content: 'a' })], done: true, error: null });
  });

  it('an error frame is the stream error, with its code', () => {
    const text = frames(JSON.stringify(chunk(0, { content: 'a' })), JSON.stringify({ error: { message: 'upstream broke', type: 'server_error', code: null } }));
    expect(readChunkStream(text, 200)).toMatchObject({ chunks: [{}], done: false, error: { status: 200, code: 'server_error', message: 'upstream broke' } });
  });

  it('a stream without [DONE] or with a frame that is not JSON is an error', () => {
    expect(readChunkStream(frames(JSON.stringify(chunk(0, {}))), 200).error?.code).toBe('incomplete_stream');
    expect(readChunkStream(frames('{oops', '[DONE]'), 200).error?.code).toBe('invalid_stream');
  });
});
