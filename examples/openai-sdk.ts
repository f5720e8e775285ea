/**
 * The official `openai` SDK pointed at the adapter: nothing changes but `baseURL`.
 * Run: npx tsx examples/openai-sdk.ts    (works with nothing set, e.g. against `npm run demo`)
 *   ADAPTER_URL     the adapter's base URL (default http://localhost:8080/v1)
 *   OPENAI_API_KEY  the key this client presents to the adapter (the SDK sends it as `Authorization: Bearer …`):
 *                   - adapter without UPSTREAM_API_KEY: your upstream (OpenAI or relay) key; the adapter forwards it
 *                   - adapter with ADAPTER_API_KEYS: one of those keys (the adapter uses its own UPSTREAM_API_KEY upstream)
 *                   - `npm run demo`: anything
 *   MODEL           default gpt-5-mini
 */
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';

// The SDK refuses to start without a key; unset, a placeholder will do where the adapter needs none (the demo).
const client = new OpenAI({ baseURL: process.env.ADAPTER_URL || 'http://localhost:8080/v1', apiKey: process.env.OPENAI_API_KEY || 'no-key-set' });
const model = process.env.MODEL || 'gpt-5-mini';

// 1. A plain completion.
const completion = await client.chat.completions.create({
  model,
  messages: [
    { role: 'developer', content: 'Answer in one sentence.' },
    { role: 'user', content: 'Why would a team keep Chat Completions code on the Responses API?' },
  ],
});
console.log('answer:', completion.choices[0]?.message.content);
console.log('usage:', completion.usage);

// 2. A tool round trip: the model asks for a tool, we answer, the model finishes.
const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
      strict: true,
    },
  },
];
const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const first = await client.chat.completions.create({ model, messages, tools });
const assistant = first.choices[0]!.message;
messages.push(assistant);
for (const call of assistant.tool_calls ?? []) {
  if (call.type !== 'function') continue;
  const { city } = JSON.parse(call.function.arguments) as { city: string };
  messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ city, celsius: 18, sky: 'clear' }) });
}
const second = await client.chat.completions.create({ model, messages, tools });
console.log('after tools:', second.choices[0]?.message.content);

// 3. Structured output parsed with zod.
const Event = z.object({ name: z.string(), date: z.string(), participants: z.array(z.string()) });
const parsed = await client.chat.completions.parse({
  model,
  messages: [{ role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' }],
  response_format: zodResponseFormat(Event, 'event'),
});
console.log('parsed:', parsed.choices[0]?.message.parsed);

// 4. Streaming with the SDK's helper.
const stream = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'Count to five.' }] });
stream.on('content', (delta) => process.stdout.write(delta));
const final = await stream.finalChatCompletion();
console.log('\nfinish_reason:', final.choices[0]?.finish_reason);
