import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { contentOf, postChat, startStreamHarness, streamChunks, streamRequest, type StreamHarness } from './stream-harness.js';

/**
 * One service_tier per stream: real streams say `auto` in response.created and the tier that
 * served (`default`) in response.completed; every chunk carries the first value known.
 */

let harness: StreamHarness;

afterEach(async () => {
  await harness.close();
});

function events(text: string, tiers: { created: string | null; completed: string }) {
  const list = textStreamEvents(responseObject({ output: [messageItem(text)], service_tier: tiers.completed }), [text.slice(0, 3), text.slice(3)]);
  for (const event of list) {
    if (event.type === 'response.created' || event.type === 'response.in_progress') (event.response as Record<string, unknown>).service_tier = tiers.created;
  }
  return list;
}

const tiersOf = (chunks: Array<Record<string, any>>) => [...new Set(chunks.map((chunk) => chunk.service_tier))];

describe('service_tier on a stream', () => {
  it('is the first value known on every chunk, the usage chunk included, although the final response names another', async () => {
    harness = await startStreamHarness();
    harness.fake.enqueue({ kind: 'stream', events: events('Hello there.', { created: 'auto', completed: 'default' }) });
    const chunks = streamChunks(await (await postChat(harness, streamRequest({ stream_options: { include_usage: true } }))).text());
    expect(contentOf(chunks)).toBe('Hello there.');
    expect(chunks.at(-1)!.usage).not.toBeNull();
    expect(tiersOf(chunks)).toEqual(['auto']);
  });

  it('is one value across the choices of n: 2, whichever choice spoke first', async () => {
    harness = await startStreamHarness();
    harness.fake.enqueue(
      { kind: 'stream', events: events('First one.', { created: 'auto', completed: 'default' }) },
      { kind: 'stream', events: events('Second one.', { created: 'flex', completed: 'flex' }) },
    );
    const chunks = streamChunks(await (await postChat(harness, streamRequest({ n: 2, stream_options: { include_usage: true } }))).text());
    expect([contentOf(chunks, 0), contentOf(chunks, 1)]).toEqual(['First one.', 'Second one.']);
    expect(tiersOf(chunks)).toHaveLength(1);
  });

  it('is null throughout when the first snapshot names none', async () => {
    harness = await startStreamHarness();
    harness.fake.enqueue({ kind: 'stream', events: events('Hello there.', { created: null, completed: 'default' }) });
    const chunks = streamChunks(await (await postChat(harness, streamRequest())).text());
    expect(tiersOf(chunks)).toEqual([null]);
  });
});
