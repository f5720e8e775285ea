/** MODEL_ALIASES appear in `/v1/models`, so a client that checks its model exists finds it. */
import OpenAI, { NotFoundError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, startAdapter } from './adapter.js';
import { MODELS, startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

async function client(env: Record<string, string>): Promise<OpenAI> {
  upstream = await startApiUpstream();
  const adapter = await startAdapter(upstream.url, env);
  return new OpenAI({ baseURL: adapter.url, apiKey: 'sk-client-1', maxRetries: 0 });
}

describe('GET /v1/models', () => {
  it('lists each alias as a model: a copy of its target under the alias, or a minimal entry', async () => {
    const sdk = await client({ MODEL_ALIASES: 'gpt-4o=gpt-5-pro,gpt-4o-mini=not-listed-upstream' });
    const models = [];
    for await (const model of sdk.models.list()) models.push(model);

    expect(models).toEqual([
      ...MODELS,
      { id: 'gpt-4o', object: 'model', created: 1_700_000_001, owned_by: 'system' },
      { id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'chat-responses-adapter' },
    ]);
  });

  it('an alias named like an upstream model is listed once, as the alias', async () => {
    const sdk = await client({ MODEL_ALIASES: 'text-embedding-3-small=gpt-5-pro' });
    const ids = [];
    for await (const model of sdk.models.list()) ids.push(`${model.id} ${model.created}`);
    expect(ids).toEqual(['gpt-5-pro 1700000001', 'text-embedding-3-small 1700000001']);
  });

  it('without aliases, the upstream list is passed on byte for byte', async () => {
    const sdk = await client({});
    const answer = await sdk.models.list().asResponse();
    expect(await answer.json()).toEqual({ object: 'list', data: MODELS });
  });
});

describe('GET /v1/models/{alias}', () => {
  it('answers with the target model under the alias', async () => {
    const sdk = await client({ MODEL_ALIASES: 'gpt-4o=gpt-5-pro' });
    expect(await sdk.models.retrieve('gpt-4o')).toEqual({ id: 'gpt-4o', object: 'model', created: 1_700_000_001, owned_by: 'system' });
    expect(upstream.requests.map((request) => request.url)).toEqual(['/v1/models/gpt-5-pro']);
  });

  it('passes the upstream error on when the target does not exist', async () => {
    const sdk = await client({ MODEL_ALIASES: 'gpt-4o=gone-model' });
    const failure = await sdk.models.retrieve('gpt-4o').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('other models are asked for as they are', async () => {
    const sdk = await client({ MODEL_ALIASES: 'gpt-4o=gpt-5-pro' });
    expect((await sdk.models.retrieve('gpt-5-pro')).id).toBe('gpt-5-pro');
  });
});
