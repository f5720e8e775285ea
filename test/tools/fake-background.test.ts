/** The fake's background runs behave as the Responses API's do (tools/fake-upstream/background-runs.ts). */
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, startFakeUpstream, textStreamEvents, type FakeUpstream } from '../../tools/fake-upstream/index.js';

let fake: FakeUpstream;
afterEach(async () => {
  await fake.close();
});

async function clientFor(options: Parameters<typeof startFakeUpstream>[0]): Promise<OpenAI> {
  fake = await startFakeUpstream(options);
  return new OpenAI({ baseURL: fake.url, apiKey: 'sk-test', maxRetries: 0 });
}

const text = (deltas: string[]) => ({ kind: 'stream' as const, events: textStreamEvents(responseObject({ output: [messageItem(deltas.join(''))] }), deltas) });

async function until(read: () => Promise<string>, status: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await read()) === status) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never ${status}`);
}

describe('the fake upstream in background mode', () => {
  it('answers queued at once, moves to in_progress, then completed; GET shows each state', async () => {
    const client = await clientFor({ background: { stepMs: 20 } });
    fake.enqueue(text(['Hel', 'lo']));
    const created = await client.responses.create({ model: 'gpt-test', input: 'Hi', background: true });
    expect([created.status, created.background, created.output]).toEqual(['queued', true, []]);
    const seen = new Set<string>();
    await until(async () => {
      const status = (await client.responses.retrieve(created.id)).status!;
      seen.add(status);
      return status;
    }, 'completed');
    expect(seen.has('in_progress')).toBe(true);
    const done = await client.responses.retrieve(created.id);
    expect(done.output_text).toBe('Hello');
  });

  it('streams from a queued response.created, numbers every event, and replays after starting_after', async () => {
    const client = await clientFor({ background: { stepMs: 1 } });
    fake.enqueue(text(['a', 'b', 'c']));
    const stream = await client.responses.create({ model: 'gpt-test', input: 'Hi', background: true, stream: true });
    const events: Array<Record<string, any>> = [];
    for await (const event of stream) events.push(event);
    expect(events.slice(0, 3).map((event) => [event.type, event.response?.status])).toEqual([
      ['response.created', 'queued'],
      ['response.queued', 'queued'],
      ['response.in_progress', 'in_progress'],
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.some((event) => 'obfuscation' in event)).toBe(false);

    const replay = await client.responses.retrieve(events[0]!.response.id, { stream: true, starting_after: 5 });
    const replayed: number[] = [];
    for await (const event of replay) replayed.push(event.sequence_number);
    expect(replayed).toEqual(events.slice(6).map((event) => event.sequence_number));
  });

  it('cancels only background runs, deletes then answers 404, and refuses store: false', async () => {
    const client = await clientFor({ background: { stepMs: 1000 } });
    const run = await client.responses.create({ model: 'gpt-test', input: 'Hi', background: true });
    expect((await client.responses.cancel(run.id)).status).toBe('cancelled');
    expect((await client.responses.retrieve(run.id)).status).toBe('cancelled');

    const foreground = await client.responses.create({ model: 'gpt-test', input: 'Hi', store: true });
    await expect(client.responses.cancel(foreground.id)).rejects.toBeInstanceOf(BadRequestError);

    const deleted = await fetch(`${fake.url}/responses/${run.id}`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: run.id, object: 'response.deleted', deleted: true });
    await expect(client.responses.retrieve(run.id)).rejects.toBeInstanceOf(NotFoundError);

    await expect(client.responses.create({ model: 'gpt-test', input: 'Hi', background: true, store: false })).rejects.toMatchObject({ status: 400, param: 'store' });
  });

  it('drops or stalls a stream connection after K events, and fails deletes when told', async () => {
    const client = await clientFor({ background: { stepMs: 1, streamFaults: [{ dropAfter: 4 }, { stallAfter: 2 }], deleteFailures: 1 } });
    fake.enqueue(text(['a', 'b', 'c']));
    const stream = await client.responses.create({ model: 'gpt-test', input: 'Hi', background: true, stream: true });
    const first: number[] = [];
    await expect(
      (async () => {
        for await (const event of stream) first.push(event.sequence_number);
      })(),
    ).rejects.toThrow();
    expect(first).toEqual([0, 1, 2, 3]);
    const id = fake.background!.ids()[0]!;

    const stalled = await client.responses.retrieve(id, { stream: true, starting_after: 3 }, { timeout: 300 });
    const second: number[] = [];
    const reading = (async () => {
      for await (const event of stalled) second.push(event.sequence_number);
    })();
    await new Promise((resolve) => setTimeout(resolve, 150));
    stalled.controller.abort();
    await reading.catch(() => {});
    expect(second).toEqual([4, 5]);

    expect((await fetch(`${fake.url}/responses/${id}`, { method: 'DELETE' })).status).toBe(500);
    expect((await fetch(`${fake.url}/responses/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect(fake.requests.every((request) => typeof request.receivedAt === 'number')).toBe(true);
  });
});
