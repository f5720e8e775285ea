import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

/** A legacy client's hard-coded model name, served by a Responses-only model. */

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

async function clientWith(env: Record<string, string>) {
  // gpt-5-pro would run in the background (BACKGROUND=auto); background-mode.test.ts covers that.
  harness = await startHarness({ BACKGROUND: 'off', ...env });
  return new OpenAI({ baseURL: await harness.listen(), apiKey: 'sk-alias', maxRetries: 0 });
}

describe('MODEL_ALIASES', () => {
  it('rewrites an aliased model before the request goes upstream, in both modes', async () => {
    const client = await clientWith({ MODEL_ALIASES: 'gpt-4o=gpt-5-pro,gpt-4o-mini=gpt-5-mini' });
    const answer = responseObject({ model: 'gpt-5-pro-2026-06-01', output: [messageItem('Hi.')] });
    harness.fake.enqueue({ kind: 'json', body: answer }, { kind: 'stream', events: textStreamEvents(answer, ['Hi.']) });

    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    const streamed = await client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }).finalChatCompletion();

    expect(harness.fake.requests.map((request) => request.body.model)).toEqual(['gpt-5-pro', 'gpt-5-mini']);
    // The answer names the model that really answered, as the upstream reports it.
    expect([completion.model, streamed.choices[0]!.message.content]).toEqual(['gpt-5-pro-2026-06-01', 'Hi.']);
  });

  it('passes models without an alias unchanged', async () => {
    const client = await clientWith({ MODEL_ALIASES: 'gpt-4o=gpt-5-pro' });
    harness.fake.enqueue({ kind: 'json', body: responseObject({ output: [messageItem('Hi.')] }) });

    await client.chat.completions.create({ model: 'gpt-4o-2024-08-06', messages: [{ role: 'user', content: 'Hi' }] });

    expect(harness.fake.requests[0]!.body.model).toBe('gpt-4o-2024-08-06');
  });
});
