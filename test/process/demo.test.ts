import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spawnServer, type SpawnedServer } from '../helpers/spawned-server.js';

/** `npm run demo` as a newcomer runs it: no key, no upstream, then the official SDK against it. */

let demo: SpawnedServer | undefined;

afterEach(() => {
  if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
});

describe('npm run demo', () => {
  it('answers text, a tool call, structured output and a stream from the simulated upstream, with no key', async () => {
    // No OPENAI_API_KEY, no UPSTREAM_*: only what any shell has.
    demo = spawnServer({ PORT: '0' }, ['npm', 'run', 'demo', '--silent']);
    const port = await demo.port();
    const url = `http://127.0.0.1:${port}/v1`;
    for (let waited = 0; !demo.otherLines.some((line) => line.startsWith('Ctrl-C stops it')) && waited < 5000; waited += 50) await sleep(50);
    const banner = demo.otherLines.join('\n');
    expect(banner).toContain(`Demo: the adapter is listening on ${url}`);
    expect(banner).toContain(`curl -s ${url}/chat/completions`);
    expect(banner).toContain(`new OpenAI({ baseURL: '${url}', apiKey: 'demo' })`);

    const client = new OpenAI({ baseURL: url, apiKey: 'demo', maxRetries: 0 });
    const text = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hello!' }] });
    expect(text.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    expect((text.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toMatch(/\w+/);
    expect(text.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);

    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const called = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    const call = called.choices[0]!.message.tool_calls![0]!;
    expect(called.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const answered = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Weather in Paris?' }, called.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: '18 °C' }],
      tools,
    });
    expect(answered.choices[0]!.message.content).toContain('18 °C');

    const Event = z.object({ name: z.string(), date: z.string(), participants: z.array(z.string()) });
    const parsed = await client.chat.completions.parse({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Alice and Bob go to a fair on Friday.' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    expect(Event.safeParse(parsed.choices[0]!.message.parsed).success).toBe(true);

    const stream = await client.chat.completions.create({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'Count.' }] });
    let content = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect({ content, finish }).toEqual({ content: 'Hello from the fake upstream.', finish: 'stop' });

    demo.child.kill('SIGINT');
    expect((await demo.exited).code).toBe(0);
  }, 120_000);
});
