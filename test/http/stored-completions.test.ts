/**
 * Stored chat completions through the official SDK's own methods (`retrieve`, `list`, `update`,
 * `delete`, `messages.list`), against the real HTTP fake upstream: what the client receives and
 * what is asked upstream. The fake does not keep Responses: each test queues what `GET
 * /responses/{id}` (and input_items) answers, served by the id asked for.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject, textStreamEvents, type RecordedRequest, type Reply } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

const UPSTREAM_KEY = 'sk-upstream-operator';
const KEY_A = 'adapter-key-a';
const KEY_B = 'adapter-key-b';
const SHARED_KEY_ENV = { UPSTREAM_API_KEY: UPSTREAM_KEY, ADAPTER_API_KEYS: `${KEY_A},${KEY_B}` };

let harness: Harness;
let baseURL: string;
afterEach(async () => {
  await harness?.close();
});

async function start(env: Record<string, string> = SHARED_KEY_ENV): Promise<void> {
  harness = await startHarness(env);
  baseURL = await harness.listen();
}

function sdk(apiKey = KEY_A): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0 });
}

/** A Response the fake answers a create with; created a second apart so that list order is known. */
function answered(text: string, createdAt: number, extra: Record<string, unknown> = {}): Record<string, any> {
  return responseObject({ output: [messageItem(text)], created_at: createdAt, store: true, ...extra });
}

/** Creates a stored completion answered by `response`. */
async function createStored(response: Record<string, any>, params: Record<string, unknown> = {}, client = sdk()) {
  harness.fake.enqueue({ kind: 'json', body: response });
  return client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], store: true, ...params } as never);
}

/** `count` upstream GETs answered by the id they name, from `responses` (404 for others), in any order. */
function serveByIdFrom(responses: Array<Record<string, any>>, count: number): void {
  const byId = new Map(responses.map((response) => [response.id as string, response]));
  const reply: Reply = (request: RecordedRequest) => {
    const id = decodeURIComponent(new URL(request.path, 'http://x').pathname.split('/')[3] ?? '');
    const found = byId.get(id);
    return found
      ? { kind: 'json', body: found }
      : { kind: 'json', status: 404, body: { error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: null } } };
  };
  harness.fake.enqueue(...Array.from({ length: count }, () => reply));
}

function upstreamCalls(): string[] {
  return harness.fake.requests.map((request) => `${request.method} ${request.path}`);
}

/** The SDK's ChatCompletion type has no `metadata`; stored completions carry it on the wire. */
const metadataOf = (completion: object) => (completion as { metadata?: unknown }).metadata;

const chatIdOf = (response: Record<string, any>) => `chatcmpl-${String(response.id).slice('resp_'.length)}`;

describe('retrieve', () => {
  it('retrieves a stored completion from its Response, with the request metadata', async () => {
    await start();
    const response = answered('Bonjour!', 1_700_000_100, { metadata: { topic: 'greeting' } });
    const created = await createStored(response, { metadata: { topic: 'greeting' } });
    expect(harness.fake.requests[0]!.body).toMatchObject({ store: true, metadata: { topic: 'greeting' } });
    serveByIdFrom([response], 1);

    const retrieved = await sdk().chat.completions.retrieve(created.id);

    expect(retrieved).toMatchObject({
      id: created.id,
      object: 'chat.completion',
      created: 1_700_000_100,
      model: response.model,
      metadata: { topic: 'greeting' },
      choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour!' }, finish_reason: 'stop' }],
    });
    expect(retrieved.choices).toEqual(created.choices);
    const get = harness.fake.requests[1]!;
    expect(`${get.method} ${get.path}`).toBe(`GET /v1/responses/${response.id}`);
    expect(get.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('indexes a streamed answer too, under the id the stream carried', async () => {
    await start();
    const response = answered('Streamed hello.', 1_700_000_200);
    harness.fake.enqueue({ kind: 'stream', events: textStreamEvents(response, ['Streamed', ' hello.']) });
    const stream = await sdk().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], store: true, stream: true });
    let id = '';
    let text = '';
    for await (const chunk of stream) {
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    serveByIdFrom([response], 1);

    const retrieved = await sdk().chat.completions.retrieve(id);

    expect(id).toBe(chatIdOf(response));
    expect(retrieved.choices[0]!.message.content).toBe(text);
  });

  it('indexes a streamed n: 2 under the one id of the stream, each choice with its own Response', async () => {
    await start();
    const first = answered('Alpha.', 1_700_000_220);
    const second = answered('Beta.', 1_700_000_220);
    harness.fake.enqueue({ kind: 'stream', events: textStreamEvents(first, ['Alpha.']) }, { kind: 'stream', events: textStreamEvents(second, ['Beta.']) });
    const stream = await sdk().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], store: true, stream: true, n: 2 });
    const ids = new Set<string>();
    const texts = ['', ''];
    for await (const chunk of stream) {
      ids.add(chunk.id);
      for (const choice of chunk.choices) texts[choice.index] += choice.delta.content ?? '';
    }
    serveByIdFrom([first, second], 2);

    const retrieved = await sdk().chat.completions.retrieve([...ids][0]!);

    expect(ids.size).toBe(1);
    expect([chatIdOf(first), chatIdOf(second)]).toContain(retrieved.id);
    expect(retrieved.choices.map((choice) => choice.message.content)).toEqual(texts);
  });

  it('reads a stream cut by a stop sequence to its end, so that the stored Response is whole', async () => {
    await start();
    const response = answered('One, two, STOP, three.', 1_700_000_250);
    harness.fake.enqueue({ kind: 'stream', events: textStreamEvents(response, ['One, two, ', 'STOP', ', three.']) });
    const stream = await sdk().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Count' }], store: true, stream: true, stop: ['STOP'] });
    let id = '';
    let text = '';
    for await (const chunk of stream) {
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    serveByIdFrom([response], 1);

    const retrieved = await sdk().chat.completions.retrieve(id);

    expect(text).toBe('One, two, ');
    expect(retrieved.choices[0]!.message.content).toBe('One, two, ');
    expect(harness.fake.abortedRequests).toBe(0);
  });

  it('keeps the n choices of one completion together: retrieved and deleted as one', async () => {
    await start();
    const first = answered('One.', 1_700_000_300);
    const second = answered('Two.', 1_700_000_300);
    harness.fake.enqueue({ kind: 'json', body: first }, { kind: 'json', body: second });
    const created = await sdk().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], store: true, n: 2 });
    serveByIdFrom([first, second], 2);

    const retrieved = await sdk().chat.completions.retrieve(created.id);

    expect(retrieved.id).toBe(created.id);
    expect(retrieved.choices.map((choice) => [choice.index, choice.message.content])).toEqual(created.choices.map((choice) => [choice.index, choice.message.content]));
    expect(retrieved.usage!.total_tokens).toBe(created.usage!.total_tokens);

    harness.fake.enqueue(
      { kind: 'json', body: { id: first.id, object: 'response.deleted', deleted: true } },
      { kind: 'json', body: { id: second.id, object: 'response.deleted', deleted: true } },
    );
    const deleted = await sdk().chat.completions.delete(created.id);
    expect(deleted).toEqual({ id: created.id, object: 'chat.completion.deleted', deleted: true });
    expect(upstreamCalls().filter((call) => call.startsWith('DELETE')).sort()).toEqual([`DELETE /v1/responses/${first.id}`, `DELETE /v1/responses/${second.id}`].sort());
  });

  it('shows the answer as the client had it: cut at its stop sequence, legacy function_call', async () => {
    await start();
    const cut = answered('Count: 1, 2, STOP 3, 4', 1_700_000_400);
    const created = await createStored(cut, { stop: ['STOP'] });
    const legacy = responseObject({ output: [functionCallItem('get_weather', '{"city":"Oslo"}')], created_at: 1_700_000_401 });
    const legacyCreated = await createStored(legacy, {
      functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    serveByIdFrom([cut, legacy], 2);

    const [retrieved, retrievedLegacy] = [await sdk().chat.completions.retrieve(created.id), await sdk().chat.completions.retrieve(legacyCreated.id)];

    expect(retrieved.choices[0]!.message.content).toBe('Count: 1, 2, ');
    expect(retrievedLegacy.choices[0]).toMatchObject({ finish_reason: 'function_call', message: { function_call: { name: 'get_weather' } } });
  });

  it('does not index what was not asked to be stored: 404, and the upstream is not asked', async () => {
    await start();
    harness.fake.enqueue({ kind: 'json', body: answered('Not kept.', 1_700_000_500) });
    const created = await sdk().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
    expect(harness.fake.requests[0]!.body.store).toBe(false);

    const failure = await sdk().chat.completions.retrieve(created.id).catch((error: unknown) => error);
    const list = await sdk().chat.completions.list();

    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      message: `No chat completion found with id '${created.id}'.`,
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    expect(list.data).toEqual([]);
    expect(upstreamCalls()).toEqual(['POST /v1/responses']);
  });

  it('an upstream 404 for an indexed id (deleted elsewhere) is a 404, and the entry is dropped', async () => {
    await start();
    const response = answered('Soon gone.', 1_700_000_600);
    const created = await createStored(response);
    serveByIdFrom([], 1);

    const failure = await sdk().chat.completions.retrieve(created.id).catch((error: unknown) => error);
    const list = await sdk().chat.completions.list();

    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(list.data).toEqual([]);
    expect(upstreamCalls()).toEqual(['POST /v1/responses', `GET /v1/responses/${response.id}`]);
  });

  it('an upstream 500 is passed on with its status and message; the entry stays', async () => {
    await start();
    const response = answered('Still here.', 1_700_000_700);
    const created = await createStored(response);
    harness.fake.enqueue({ kind: 'json', status: 500, body: { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } } });

    const failure = await sdk().chat.completions.retrieve(created.id).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as InstanceType<typeof OpenAI.InternalServerError>).error).toEqual({ message: 'The server had an error.', type: 'server_error', param: null, code: null });
    serveByIdFrom([response], 1);
    expect((await sdk().chat.completions.retrieve(created.id)).id).toBe(created.id);
  });

  it('refuses an id that is not one path segment, without asking the upstream', async () => {
    await start({});
    const failure = await sdk().chat.completions.retrieve('chatcmpl-..%2F..%2Fmodels').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(upstreamCalls()).toEqual([]);
  });
});

describe('list', () => {
  async function createThree() {
    const responses = [
      answered('First.', 1_700_001_000, { model: 'gpt-test-a' }),
      answered('Second.', 1_700_001_001, { model: 'gpt-test-b' }),
      answered('Third.', 1_700_001_002, { model: 'gpt-test-a' }),
    ];
    const ids: string[] = [];
    for (const [index, response] of responses.entries()) {
      ids.push((await createStored(response, { metadata: { batch: 'x', parity: index % 2 === 0 ? 'even' : 'odd' } })).id);
    }
    return { responses, ids };
  }

  it('lists in creation order, pages with after and has_more, as the SDK iterates', async () => {
    await start();
    const { responses, ids } = await createThree();
    serveByIdFrom(responses, 3 + 2);

    const firstPage = await sdk().chat.completions.list({ limit: 2 });
    const all: string[] = [];
    for await (const completion of sdk().chat.completions.list({ limit: 2 })) all.push(completion.id);

    expect(firstPage.data.map((completion) => completion.id)).toEqual(ids.slice(0, 2));
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.data[0]!.choices[0]!.message.content).toBe('First.');
    expect(all).toEqual(ids);
    const listCalls = harness.fake.requests.filter((request) => request.method === 'GET').map((request) => request.path);
    expect(listCalls.sort()).toEqual([...responses.slice(0, 2), ...responses].map((response) => `/v1/responses/${response.id}`).sort());
  });

  it('sends the list object with first_id, last_id and has_more', async () => {
    await start();
    const { responses, ids } = await createThree();
    serveByIdFrom(responses, 1);

    const response = await fetch(`${baseURL}/chat/completions?limit=1&order=desc`, { headers: { authorization: `Bearer ${KEY_A}` } });

    expect(await response.json()).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[2], has_more: true, data: [{ id: ids[2], object: 'chat.completion' }] });
  });

  it('filters by model (as answered or as asked) and by metadata; orders desc', async () => {
    await start();
    const { responses, ids } = await createThree();
    serveByIdFrom(responses, 2 + 1 + 3 + 3);

    const byModel = await sdk().chat.completions.list({ model: 'gpt-test-a', order: 'desc' });
    const byMetadata = await sdk().chat.completions.list({ metadata: { parity: 'odd', batch: 'x' } });
    const byAskedModel = await sdk().chat.completions.list({ model: 'gpt-test' });
    const desc = await sdk().chat.completions.list({ order: 'desc' });

    expect(byModel.data.map((completion) => completion.id)).toEqual([ids[2], ids[0]]);
    expect(byMetadata.data.map((completion) => completion.id)).toEqual([ids[1]]);
    expect(byAskedModel.data.map((completion) => completion.id)).toEqual(ids);
    expect(desc.data.map((completion) => completion.id)).toEqual([...ids].reverse());
    const sent = harness.fake.requests.map((request) => request.path).filter((path) => path.startsWith('/v1/chat'));
    expect(sent).toEqual([]);
  });

  it('skips (and forgets) entries whose Response is gone, filling the page from the next', async () => {
    await start();
    const { responses, ids } = await createThree();
    serveByIdFrom([responses[0]!, responses[2]!], 3);

    const page = await sdk().chat.completions.list({ limit: 2 });

    expect(page.data.map((completion) => completion.id)).toEqual([ids[0], ids[2]]);
    expect(page.has_more).toBe(false);
    serveByIdFrom([responses[0]!, responses[2]!], 2);
    expect((await sdk().chat.completions.list()).data.map((completion) => completion.id)).toEqual([ids[0], ids[2]]);
    expect(harness.fake.requests.filter((request) => request.method === 'GET')).toHaveLength(3 + 2);
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'many' }, 'limit'],
    [{ order: 'newest' }, 'order'],
    [{ metadata: { [`k${'x'.repeat(64)}`]: 'v' } }, `metadata.k${'x'.repeat(63)}…`],
  ])('refuses %j with a 400 naming %s', async (query, param) => {
    await start();
    const failure = await sdk().chat.completions.list(query as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', param });
    expect(upstreamCalls()).toEqual([]);
  });
});

describe('update', () => {
  it('replaces the metadata in the index: retrieve and list filters see it; the upstream is only read', async () => {
    await start();
    const response = answered('Tagged.', 1_700_002_000);
    const created = await createStored(response, { metadata: { stage: 'draft' } });
    serveByIdFrom([response], 3);

    const updated = await sdk().chat.completions.update(created.id, { metadata: { stage: 'final', owner: 'ana' } });
    const retrieved = await sdk().chat.completions.retrieve(created.id);
    const listed = await sdk().chat.completions.list({ metadata: { stage: 'final' } });
    const stale = await sdk().chat.completions.list({ metadata: { stage: 'draft' } });

    expect(updated).toMatchObject({ id: created.id, metadata: { stage: 'final', owner: 'ana' } });
    expect(metadataOf(retrieved)).toEqual({ stage: 'final', owner: 'ana' });
    expect(listed.data.map((completion) => completion.id)).toEqual([created.id]);
    expect(stale.data).toEqual([]);
    expect(upstreamCalls().filter((call) => !call.startsWith('GET /v1/responses/'))).toEqual(['POST /v1/responses']);
  });

  it('clears the metadata with null', async () => {
    await start();
    const response = answered('Tagged.', 1_700_002_100);
    const created = await createStored(response, { metadata: { stage: 'draft' } });
    serveByIdFrom([response], 1);

    const updated = await sdk().chat.completions.update(created.id, { metadata: null });

    expect(metadataOf(updated)).toEqual({});
  });

  it.each([
    ['17 pairs', Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])), 'metadata'],
    ['a key of 65 characters', { ['k'.repeat(65)]: 'v' }, `metadata.${'k'.repeat(64)}…`],
    ['a value of 513 characters', { note: 'v'.repeat(513) }, 'metadata.note'],
    ['a value that is not a string', { count: 3 }, 'metadata.count'],
  ])('refuses %s with a 400 naming the param, the index unchanged', async (_case, metadata, param) => {
    await start();
    const response = answered('Tagged.', 1_700_002_200);
    const created = await createStored(response, { metadata: { stage: 'draft' } });

    const failure = await sdk().chat.completions.update(created.id, { metadata } as never).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', param, message: expect.any(String) });
    serveByIdFrom([response], 1);
    expect(metadataOf(await sdk().chat.completions.retrieve(created.id))).toEqual({ stage: 'draft' });
  });
});

describe('delete', () => {
  it('deletes the Response upstream, then forgets it', async () => {
    await start();
    const response = answered('Delete me.', 1_700_003_000);
    const created = await createStored(response);
    harness.fake.enqueue({ kind: 'json', body: { id: response.id, object: 'response.deleted', deleted: true } });

    const deleted = await sdk().chat.completions.delete(created.id);
    const failure = await sdk().chat.completions.retrieve(created.id).catch((error: unknown) => error);

    expect(deleted).toEqual({ id: created.id, object: 'chat.completion.deleted', deleted: true });
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(upstreamCalls()).toEqual(['POST /v1/responses', `DELETE /v1/responses/${response.id}`]);
    expect(harness.fake.requests[1]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('an upstream failure is passed on and the entry kept', async () => {
    await start();
    const response = answered('Delete me.', 1_700_003_100);
    const created = await createStored(response);
    harness.fake.enqueue({ kind: 'json', status: 503, body: { error: { message: 'Upstream overloaded.', type: 'server_error', param: null, code: null } } });

    const failure = await sdk().chat.completions.delete(created.id).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 503, error: { message: 'Upstream overloaded.' } });
    serveByIdFrom([response], 1);
    expect((await sdk().chat.completions.list()).data.map((completion) => completion.id)).toEqual([created.id]);
  });
});

describe('messages', () => {
  it('lists the request messages from the Response input items and instructions, with ids, paged', async () => {
    await start();
    const response = answered('It is 21 °C.', 1_700_004_000, { instructions: 'Be brief.' });
    const created = await createStored(response, {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
      ],
    });
    const inputItems = [
      { id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'fco_1', type: 'function_call_output', status: 'completed', call_id: 'call_1', output: '{"celsius":21}' },
    ];
    // The Response and its input items are asked at once: each reply is chosen by the path.
    const byPath: Reply = (request) =>
      request.path.includes('/input_items')
        ? { kind: 'json', body: { object: 'list', data: inputItems, first_id: 'msg_1', last_id: 'fco_1', has_more: false } }
        : { kind: 'json', body: response };
    harness.fake.enqueue(...Array.from({ length: 2 * 3 }, () => byPath));

    const page = await sdk().chat.completions.messages.list(created.id, { limit: 3 });
    const all: unknown[] = [];
    for await (const message of sdk().chat.completions.messages.list(created.id, { limit: 3 })) all.push(message);

    expect(page.data.map((message) => message.id)).toEqual([0, 1, 2].map((position) => `${created.id}-${position}`));
    expect(page.has_more).toBe(true);
    expect(all).toEqual([
      { id: `${created.id}-0`, role: 'developer', content: 'Be brief.', name: null, content_parts: null },
      { id: `${created.id}-1`, role: 'user', content: 'Weather in Paris?', name: null, content_parts: null },
      {
        id: `${created.id}-2`,
        role: 'assistant',
        content: null,
        refusal: null,
        name: null,
        content_parts: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { id: `${created.id}-3`, role: 'tool', content: '{"celsius":21}', tool_call_id: 'call_1', name: null, content_parts: null },
    ]);
    const itemCalls = harness.fake.requests.filter((request) => request.path.includes('/input_items')).map((request) => request.path);
    expect(itemCalls[0]).toBe(`/v1/responses/${response.id}/input_items?limit=100&order=asc`);
  });

  it('orders desc, and gives parts back as content_parts', async () => {
    await start();
    const response = answered('A cat.', 1_700_004_100);
    const created = await createStored(response, {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } }] }],
    });
    const inputItems = [
      {
        id: 'msg_1',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' }],
      },
      { id: 'msg_2', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Be exact.' }] },
    ];
    const byPath: Reply = (request) =>
      request.path.includes('/input_items') ? { kind: 'json', body: { object: 'list', data: inputItems, has_more: false } } : { kind: 'json', body: response };
    harness.fake.enqueue(byPath, byPath);

    const page = await sdk().chat.completions.messages.list(created.id, { order: 'desc' });

    expect(page.data).toEqual([
      { id: `${created.id}-1`, role: 'user', content: 'Be exact.', name: null, content_parts: null },
      {
        id: `${created.id}-0`,
        role: 'user',
        content: 'What is this?',
        name: null,
        content_parts: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
        ],
      },
    ]);
  });

  it('reads every page of the upstream input items, following last_id', async () => {
    await start();
    const response = answered('Done.', 1_700_004_150);
    const created = await createStored(response);
    const item = (index: number) => ({ id: `msg_${index}`, type: 'message', role: 'user', content: [{ type: 'input_text', text: `turn ${index}` }] });
    const byPath: Reply = (request) => {
      if (!request.path.includes('/input_items')) return { kind: 'json', body: response };
      const second = request.path.includes('after=msg_1');
      return { kind: 'json', body: { object: 'list', data: second ? [item(2)] : [item(0), item(1)], first_id: second ? 'msg_2' : 'msg_0', last_id: second ? 'msg_2' : 'msg_1', has_more: !second } };
    };
    harness.fake.enqueue(byPath, byPath, byPath);

    const page = await sdk().chat.completions.messages.list(created.id);

    expect(page.data.map((message) => message.content)).toEqual(['turn 0', 'turn 1', 'turn 2']);
    expect(harness.fake.requests.filter((request) => request.path.includes('/input_items')).map((request) => request.path)).toEqual([
      `/v1/responses/${response.id}/input_items?limit=100&order=asc`,
      `/v1/responses/${response.id}/input_items?limit=100&order=asc&after=msg_1`,
    ]);
  });

  it('refuses a bad limit with a 400 naming it', async () => {
    await start();
    const created = await createStored(answered('Hi.', 1_700_004_200));
    const failure = await sdk().chat.completions.messages.list(created.id, { limit: 500 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'limit', type: 'invalid_request_error' });
  });
});

describe('tenants', () => {
  it('one client key cannot list, retrieve, update, delete or read the messages of another’s', async () => {
    await start();
    const response = answered('Private.', 1_700_005_000);
    const created = await createStored(response, {}, sdk(KEY_A));
    const other = sdk(KEY_B);

    const attempts = await Promise.all([
      other.chat.completions.retrieve(created.id).catch((error: unknown) => error),
      other.chat.completions.update(created.id, { metadata: { taken: 'yes' } }).catch((error: unknown) => error),
      other.chat.completions.delete(created.id).catch((error: unknown) => error),
      other.chat.completions.messages.list(created.id).catch((error: unknown) => error),
    ]);
    const listed = await other.chat.completions.list();

    for (const attempt of attempts) expect(attempt).toBeInstanceOf(OpenAI.NotFoundError);
    expect(listed.data).toEqual([]);
    expect(upstreamCalls()).toEqual(['POST /v1/responses']);
    serveByIdFrom([response], 1);
    expect(metadataOf(await sdk(KEY_A).chat.completions.retrieve(created.id))).toEqual({});
  });

  it('asks for a client key as the chat route does', async () => {
    await start();
    const failure = await sdk('not-a-key').chat.completions.list().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstreamCalls()).toEqual([]);
  });
});

describe('without UPSTREAM_API_KEY (each client’s own key goes upstream)', () => {
  it('an id the index lacks (a restart) is asked upstream with the client’s key', async () => {
    await start({});
    const response = answered('From before the restart.', 1_700_006_000, { metadata: { kept: 'upstream' } });
    serveByIdFrom([response], 1);

    const retrieved = await new OpenAI({ baseURL, apiKey: 'sk-client-own', maxRetries: 0 }).chat.completions.retrieve(chatIdOf(response));

    expect(retrieved).toMatchObject({ id: chatIdOf(response), metadata: { kept: 'upstream' }, choices: [{ message: { content: 'From before the restart.' } }] });
    expect(harness.fake.requests[0]!.headers.authorization).toBe('Bearer sk-client-own');
  });

  it('delete and update of an id the index lacks go to the upstream with the client’s key; update indexes it', async () => {
    await start({});
    const client = new OpenAI({ baseURL, apiKey: 'sk-client-own', maxRetries: 0 });
    const response = answered('Kept upstream.', 1_700_006_100, { metadata: { from: 'create' } });
    serveByIdFrom([response], 2);

    const updated = await client.chat.completions.update(chatIdOf(response), { metadata: { from: 'update' } });
    const listed = await client.chat.completions.list();
    harness.fake.enqueue({ kind: 'json', body: { id: response.id, object: 'response.deleted', deleted: true } });
    const deleted = await client.chat.completions.delete(chatIdOf(response));

    expect(metadataOf(updated)).toEqual({ from: 'update' });
    expect(listed.data.map((completion) => [completion.id, metadataOf(completion)])).toEqual([[chatIdOf(response), { from: 'update' }]]);
    expect(deleted).toEqual({ id: chatIdOf(response), object: 'chat.completion.deleted', deleted: true });
    expect(upstreamCalls()).toEqual([`GET /v1/responses/${response.id}`, `GET /v1/responses/${response.id}`, `DELETE /v1/responses/${response.id}`]);
    expect(harness.fake.requests.map((request) => request.headers.authorization)).toEqual(Array(3).fill('Bearer sk-client-own'));
    expect((await client.chat.completions.list()).data).toEqual([]);
  });

  it('an id the upstream does not know either is a 404', async () => {
    await start({});
    serveByIdFrom([], 1);
    const failure = await new OpenAI({ baseURL, apiKey: 'sk-client-own', maxRetries: 0 }).chat.completions.retrieve('chatcmpl-unknown').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
    expect(upstreamCalls()).toEqual(['GET /v1/responses/resp_unknown']);
  });
});
