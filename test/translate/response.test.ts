import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatContext } from '../../src/translate/chat-envelope.js';
import { assembleCompletion, toChatChoice, toChatCompletion } from '../../src/translate/response.js';
import type { ChatMessage, ChatToolCall, ChatUrlCitation } from '../../src/types/chat.js';
import { functionCallItem, messageItem, responseObject } from '../../tools/fake-upstream/index.js';
import { chatUsage, responsesUsage } from '../helpers/usage-objects.js';

const baseContext: ChatContext = { n: 1, stream: false, includeUsage: false, stop: [], logprobs: false, legacyFunctions: false };
const reasoningOn = { reasoningContent: true };

function outputText(text: string, extra: Record<string, unknown> = {}) {
  return { type: 'output_text', text, annotations: [], logprobs: [], ...extra };
}
function message(parts: unknown[], extra: Record<string, unknown> = {}) {
  return { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: parts, ...extra };
}
function citation(start_index: number, end_index: number, url: string, title = 'Source') {
  return { type: 'url_citation', start_index, end_index, url, title };
}
function chatCitation(start_index: number, end_index: number, url: string, title = 'Source'): ChatUrlCitation {
  return { type: 'url_citation', url_citation: { start_index, end_index, url, title } };
}
function reasoning(summary: string[], raw?: string) {
  return {
    id: 'rs_1',
    type: 'reasoning',
    summary: summary.map((text) => ({ type: 'summary_text', text })),
    ...(raw === undefined ? {} : { content: [{ type: 'reasoning_text', text: raw }] }),
    encrypted_content: 'gAAAAB-opaque',
  };
}
function logprob(token: string, value: number) {
  return { token, logprob: value, bytes: [...Buffer.from(token)], top_logprobs: [] };
}
function chat(fields: Partial<ChatMessage>): ChatMessage {
  return { role: 'assistant', content: null, refusal: null, annotations: [], ...fields };
}

const paris = functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris');
const oslo = functionCallItem('get_weather', '{"city":"Oslo"}', 'call_oslo');
const parisCall: ChatToolCall = { id: 'call_paris', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const osloCall: ChatToolCall = { id: 'call_oslo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };

describe('output items -> choice', () => {
  it.each([
    { name: 'one message', output: [messageItem('Hello there.')], expected: chat({ content: 'Hello there.' }), finish: 'stop' },
    {
      name: 'commentary then answer',
      output: [messageItem('Let me check.', { phase: 'commentary' }), messageItem('It is 42.', { phase: 'final_answer' })],
      expected: chat({ content: 'Let me check.\n\nIt is 42.' }),
      finish: 'stop',
    },
    {
      name: 'text parts of one message are joined as they are',
      output: [message([outputText('Hello, '), outputText('world.')])],
      expected: chat({ content: 'Hello, world.' }),
      finish: 'stop',
    },
    {
      name: 'text and tool calls in one choice, in order, with call ids',
      output: [messageItem('Checking both cities.'), paris, oslo],
      expected: chat({ content: 'Checking both cities.', tool_calls: [parisCall, osloCall] }),
      finish: 'tool_calls',
    },
    {
      name: 'parallel function calls only',
      output: [oslo, paris],
      expected: chat({ tool_calls: [osloCall, parisCall] }),
      finish: 'tool_calls',
    },
    {
      name: 'custom tool call',
      output: [
        { id: 'ctc_1', type: 'custom_tool_call', status: 'completed', call_id: 'call_patch', name: 'apply_patch', input: '*** Begin Patch' },
      ],
      expected: chat({ tool_calls: [{ id: 'call_patch', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } }] }),
      finish: 'tool_calls',
    },
    {
      name: 'refusal',
      output: [message([{ type: 'refusal', refusal: "I can't help with that." }])],
      expected: chat({ refusal: "I can't help with that." }),
      finish: 'stop',
    },
    { name: 'empty answer', output: [], expected: chat({ content: '' }), finish: 'stop' },
    {
      name: 'reasoning summary parts joined',
      output: [reasoning(['**Plan**\n\nAdd them.', 'Check the sum.']), messageItem('4')],
      expected: chat({ content: '4', reasoning_content: '**Plan**\n\nAdd them.\n\nCheck the sum.' }),
      finish: 'stop',
    },
    {
      name: 'raw reasoning text when there is no summary',
      output: [reasoning([], 'two plus two is four'), messageItem('4')],
      expected: chat({ content: '4', reasoning_content: 'two plus two is four' }),
      finish: 'stop',
    },
    {
      name: 'summary preferred over raw reasoning text',
      output: [reasoning(['Adding.'], 'two plus two is four'), messageItem('4')],
      expected: chat({ content: '4', reasoning_content: 'Adding.' }),
      finish: 'stop',
    },
    {
      name: 'reasoning items between tool calls',
      output: [reasoning(['First look.']), paris, reasoning(['Then answer.']), messageItem('Sunny.')],
      expected: chat({ content: 'Sunny.', reasoning_content: 'First look.\n\nThen answer.', tool_calls: [parisCall] }),
      finish: 'tool_calls',
    },
    {
      name: 'encrypted-only reasoning gives no reasoning_content',
      output: [reasoning([]), messageItem('4')],
      expected: chat({ content: '4' }),
      finish: 'stop',
    },
    {
      name: 'hosted tool items are ignored',
      output: [
        { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'tallest mountain' } },
        messageItem('Mount Columbia.'),
      ],
      expected: chat({ content: 'Mount Columbia.' }),
      finish: 'stop',
    },
    {
      name: 'url_citation kept, other annotation kinds dropped',
      output: [
        message([
          outputText('See Britannica and notes.txt.', {
            annotations: [
              citation(4, 14, 'https://www.britannica.com/', 'Britannica'),
              { type: 'file_citation', file_id: 'file_1', filename: 'notes.txt', index: 19 },
              { type: 'file_path', file_id: 'file_2', index: 0 },
            ],
          }),
        ]),
      ],
      expected: chat({
        content: 'See Britannica and notes.txt.',
        annotations: [chatCitation(4, 14, 'https://www.britannica.com/', 'Britannica')],
      }),
      finish: 'stop',
    },
    {
      name: 'citation offsets shifted past earlier items and parts',
      output: [
        messageItem('Searching.', { phase: 'commentary' }),
        message([outputText('Intro. '), outputText('Peak [a].', { annotations: [citation(5, 8, 'https://a.example/')] })]),
      ],
      // 'Searching.' (10) + separator (2) + 'Intro. ' (7) = 19
      expected: chat({ content: 'Searching.\n\nIntro. Peak [a].', annotations: [chatCitation(24, 27, 'https://a.example/')] }),
      finish: 'stop',
    },
  ])('$name', ({ output, expected, finish }) => {
    const choice = toChatChoice(responseObject({ output }), baseContext, reasoningOn);
    expect(choice).toEqual({ index: 0, message: expected, finish_reason: finish, logprobs: null });
  });

  it('always sends annotations, and never the fc_ item id', () => {
    const choice = toChatChoice(responseObject({ output: [paris] }), baseContext, reasoningOn);
    expect(choice.message).toHaveProperty('annotations', []);
    expect(JSON.stringify(choice)).not.toContain(paris.id);
  });

  it('leaves reasoning_content out when the option is off', () => {
    const choice = toChatChoice(responseObject({ output: [reasoning(['Adding.']), messageItem('4')] }), baseContext, {
      reasoningContent: false,
    });
    expect(choice.message).toStrictEqual(chat({ content: '4' }));
  });

  it('answers a legacy functions request with function_call', () => {
    const choice = toChatChoice(responseObject({ output: [paris] }), { ...baseContext, legacyFunctions: true }, reasoningOn);
    expect(choice).toEqual({
      index: 0,
      message: chat({ function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } }),
      finish_reason: 'function_call',
      logprobs: null,
    });
    expect(choice.message).not.toHaveProperty('tool_calls');
  });
});

describe('logprobs', () => {
  const hi = {
    token: 'Hi',
    logprob: -0.1,
    bytes: [72, 105],
    top_logprobs: [
      { token: 'Hi', logprob: -0.1, bytes: [72, 105] },
      { token: 'Hey', logprob: -2.3, bytes: [72, 101, 121] },
    ],
  };
  const output = [
    message([outputText('Hi', { logprobs: [hi] })], { phase: 'commentary' }),
    message([outputText('!', { logprobs: [{ token: '!', logprob: -0.5, top_logprobs: [] }] })]),
  ];

  it('are null unless asked for', () => {
    expect(toChatChoice(responseObject({ output }), baseContext, reasoningOn).logprobs).toBeNull();
  });

  it('come back per token, across message items, when asked for', () => {
    const choice = toChatChoice(responseObject({ output }), { ...baseContext, logprobs: true }, reasoningOn);
    expect(choice.logprobs).toEqual({
      content: [hi, { token: '!', logprob: -0.5, bytes: null, top_logprobs: [] }],
      refusal: null,
    });
  });
});

describe('stop emulation', () => {
  const stopContext = (stop: string[], extra: Partial<ChatContext> = {}): ChatContext => ({ ...baseContext, stop, ...extra });

  it.each([
    {
      name: 'cut before the stop sequence',
      response: { output: [messageItem('The answer is 42. END extra')] },
      stop: ['END'],
      expected: chat({ content: 'The answer is 42. ' }),
    },
    {
      name: 'earliest stop across message items',
      response: { output: [messageItem('Step one; step two.', { phase: 'commentary' }), messageItem('Result: 7###more; END')] },
      stop: ['END', '###'],
      expected: chat({ content: 'Step one; step two.\n\nResult: 7' }),
    },
    {
      name: 'items after the stop are dropped, even tool calls',
      response: { output: [messageItem('Calling the tool. STOP now'), paris] },
      stop: ['STOP'],
      expected: chat({ content: 'Calling the tool. ' }),
    },
    {
      name: 'items before the stop stay',
      response: { output: [messageItem('Looking.'), paris, messageItem('Sunny. STOP')] },
      stop: ['STOP'],
      expected: chat({ content: 'Looking.\n\nSunny. ', tool_calls: [parisCall] }),
    },
    {
      name: 'a stop cuts a response that ran out of tokens',
      response: {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [messageItem('Short. STOP and on and')],
      },
      stop: ['STOP'],
      expected: chat({ content: 'Short. ' }),
    },
  ])('$name', ({ response, stop, expected }) => {
    const choice = toChatChoice(responseObject(response), stopContext(stop), reasoningOn);
    expect(choice).toEqual({ index: 0, message: expected, finish_reason: 'stop', logprobs: null });
  });

  it('keeps the upstream finish when no stop sequence appears', () => {
    const choice = toChatChoice(responseObject({ output: [messageItem('Checking.'), paris] }), stopContext(['STOP']), reasoningOn);
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking.');
  });

  it('drops citations that reach past the cut', () => {
    const text = 'one [1] two [2] END three [3]';
    const annotations = [citation(4, 7, 'https://1.example/'), citation(12, 19, 'https://2.example/'), citation(26, 29, 'https://3.example/')];
    const output = [message([outputText(text, { annotations })])];
    const choice = toChatChoice(responseObject({ output }), stopContext(['END']), reasoningOn);
    expect(choice.message).toEqual(chat({ content: 'one [1] two [2] ', annotations: [chatCitation(4, 7, 'https://1.example/')] }));
  });

  it('drops the logprobs of tokens that reach past the cut, across message items', () => {
    const output = [
      message([outputText('Ok.', { logprobs: [logprob('Ok', -0.1), logprob('.', -0.2)] })], { phase: 'commentary' }),
      message([outputText('Yes STOP more', { logprobs: [logprob('Yes', -0.3), logprob(' STOP', -0.4), logprob(' more', -0.5)] })]),
    ];
    const choice = toChatChoice(responseObject({ output }), stopContext(['STOP'], { logprobs: true }), reasoningOn);
    expect(choice.message.content).toBe('Ok.\n\nYes ');
    expect(choice.logprobs).toEqual({ content: [logprob('Ok', -0.1), logprob('.', -0.2), logprob('Yes', -0.3)], refusal: null });
  });
});

describe('chat.completion envelope', () => {
  const upstream = responseObject({
    id: 'resp_68af4030592c81938ec0a5fbab4a3e9f',
    created_at: 1756315696,
    model: 'gpt-4.1-nano-2025-04-14',
    service_tier: 'flex',
    output: [messageItem('Hi!')],
    usage: responsesUsage(11, 3),
  });
  const usage = chatUsage(11, 3);

  it('takes id, created, model and service_tier from the upstream', () => {
    expect(toChatCompletion(upstream, baseContext, reasoningOn)).toEqual({
      id: 'chatcmpl-68af4030592c81938ec0a5fbab4a3e9f',
      object: 'chat.completion',
      created: 1756315696,
      model: 'gpt-4.1-nano-2025-04-14',
      choices: [{ index: 0, message: chat({ content: 'Hi!' }), finish_reason: 'stop', logprobs: null }],
      usage,
      service_tier: 'flex',
    });
  });

  it('merges n choices and sums their usage', () => {
    const second = responseObject({ ...upstream, id: 'resp_second', output: [messageItem('Hello!')] });
    const choices = [upstream, second].map((response, index) => toChatChoice(response, baseContext, reasoningOn, index));
    const completion = assembleCompletion([upstream, second], choices);
    expect(completion.id).toBe('chatcmpl-68af4030592c81938ec0a5fbab4a3e9f');
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'Hi!'],
      [1, 'Hello!'],
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 22, completion_tokens: 6, total_tokens: 28 });
  });

  it('is a ChatCompletion for the official SDK types', () => {
    const completion = toChatCompletion(upstream, baseContext, reasoningOn);
    // A shape drift from the official SDK types breaks `tsc` here.
    const sdkCompletion: OpenAI.ChatCompletion = completion;
    expect([sdkCompletion.choices[0]?.message.content, sdkCompletion.service_tier, 'system_fingerprint' in sdkCompletion]).toEqual([
      'Hi!',
      'flex',
      false,
    ]);
  });
});
