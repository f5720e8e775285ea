import { request as httpRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedUpstream } from '../reliability/scripted-upstream.js';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import {
  contentOf,
  dataFrames,
  errorLogLines,
  postChat,
  readUntil,
  startStreamHarness,
  streamChunks,
  streamRequest,
  type StreamHarness,
} from './stream-harness.js';

let harness: StreamHarness;

afterEach(async () => {
  await harness.close();
});

function textEvents(deltas: string[]): Array<Record<string, unknown>> {
  return textStreamEvents(responseObject({ output: [messageItem(deltas.join(''))] }), deltas);
}

/** Waits for the log line of this request, written when the response closes. */
async function requestLogLine(requestId: string): Promise<Record<string, any>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const line = harness.logLines().find((candidate) => candidate.req?.id === requestId && candidate.res);
    if (line) return line;
    await sleep(10);
  }
  throw new Error(`no request log line for ${requestId}`);
}

function requestHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-request-id': requestId };
}

describe('client disconnect', () => {
  it('aborts the upstream call when the client leaves mid-stream, without logging an error', async () => {
    harness = await startStreamHarness();
    const events = textEvents(['Hello ', 'and goodbye']);
    harness.fake.enqueue({ kind: 'stream', events, holdAfter: 5 });
    const client = new AbortController();

    const reply = await postChat(harness, streamRequest(), { headers: requestHeaders('leaves-mid-stream'), signal: client.signal });
    await readUntil(reply.body!.getReader(), (text) => text.includes('"content":"Hello "'));
    client.abort();

    await harness.fake.waitForAbort(2000);
    expect((await requestLogLine('leaves-mid-stream')).msg).toBe('request aborted');
    expect(errorLogLines(harness)).toEqual([]);
  });

  it.each([
    { when: 'before the upstream answered', requestId: 'leaves-before-headers', reply: { kind: 'json' as const, body: {}, delayMs: 10_000 } },
    { when: 'before any output was sent', requestId: 'leaves-before-output', reply: { kind: 'stream' as const, events: textEvents(['Thinking']), holdAfter: 2 } },
  ])('aborts the upstream call when the client leaves $when', async ({ requestId, reply }) => {
    harness = await startStreamHarness();
    harness.fake.enqueue(reply);
    const client = new AbortController();

    const answer = postChat(harness, streamRequest(), { headers: requestHeaders(requestId), signal: client.signal });
    while (harness.fake.requests.length === 0) await sleep(5);
    client.abort();

    await expect(answer).rejects.toThrow();
    await harness.fake.waitForAbort(2000);
    expect((await requestLogLine(requestId)).msg).toBe('request aborted');
    expect(errorLogLines(harness)).toEqual([]);
  });

  it('keeps serving streams after clients left', async () => {
    harness = await startStreamHarness();
    harness.fake.enqueue({ kind: 'stream', events: textEvents(['Gone ', 'soon']), holdAfter: 5 });
    harness.fake.enqueue({ kind: 'stream', events: textEvents(['Still ', 'here']) });
    const client = new AbortController();
    const leaving = await postChat(harness, streamRequest(), { signal: client.signal });
    await readUntil(leaving.body!.getReader(), (text) => text.includes('"content":"Gone "'));
    client.abort();
    await harness.fake.waitForAbort(2000);

    const text = await (await postChat(harness, streamRequest())).text();

    expect(contentOf(streamChunks(text))).toBe('Still here');
  });
});

describe('backpressure', () => {
  /** Resolves once `read()` has not grown for `quietMs`. */
  async function settled(read: () => number, quietMs: number): Promise<number> {
    let last = -1;
    while (read() !== last) {
      last = read();
      await sleep(quietMs);
    }
    return last;
  }

  it('stops reading the upstream while the client does not read, then delivers every byte', async () => {
    const deltas = Array.from({ length: 384 }, (_, index) => `${String(index).padStart(4, '0')}${'x'.repeat(64 * 1024)}`);
    // Only deltas: the closing events that repeat the whole text would just make the test slower.
    const finished = responseObject({ output: [] });
    const events = [
      { type: 'response.created', response: { ...finished, status: 'in_progress', usage: null } },
      { type: 'response.output_item.added', output_index: 0, item: { id: 'msg_large', type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
      ...deltas.map((delta) => ({ type: 'response.output_text.delta', item_id: 'msg_large', output_index: 0, content_index: 0, delta, logprobs: [] })),
      { type: 'response.completed', response: finished },
    ];
    const sseText = Buffer.from(
      events.map((event, index) => `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join(''),
    );
    // An upstream that writes only as fast as the adapter takes its bytes, and counts them.
    let bytesTaken = 0;
    const upstream = await startScriptedUpstream(async ({ response }) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let start = 0; start < sseText.length; start += 64 * 1024) {
        const piece = sseText.subarray(start, start + 64 * 1024);
        const flowing = response.write(piece);
        bytesTaken += piece.length;
        if (!flowing) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end();
    });
    harness = await startStreamHarness({ upstreamUrl: upstream.url });

    const client = await new Promise<IncomingMessage>((resolve, reject) => {
      const body = JSON.stringify(streamRequest());
      const outgoing = httpRequest(`${harness.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      outgoing.on('response', resolve).on('error', reject).end(body);
    });
    // Not reading: the response stays paused until a listener is attached.
    const takenWhilePaused = await settled(() => bytesTaken, 300);

    expect(takenWhilePaused).toBeGreaterThan(0);
    expect(takenWhilePaused).toBeLessThan(sseText.length / 2);

    const received: Buffer[] = [];
    for await (const chunk of client) received.push(chunk as Buffer);
    const text = Buffer.concat(received).toString('utf8');
    expect(contentOf(streamChunks(text))).toBe(deltas.join(''));
    expect(dataFrames(text).at(-1)).toBe('[DONE]');
    expect(bytesTaken).toBe(sseText.length);
    await upstream.close();
  });
});
