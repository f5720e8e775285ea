/**
 * The rest of an application's OpenAI client pointed at the adapter (issue 11): the official SDK's
 * embeddings, file upload, speech and legacy completions go through to the upstream and come back
 * as the upstream sent them, in both auth modes.
 */
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAdapters, startAdapter } from './adapter.js';
import { EMBEDDING, multipartPart, patternBytes, sha256, SPEECH_BYTES, startApiUpstream, type ApiUpstream } from './api-upstream.js';

let upstream: ApiUpstream;
afterEach(async () => {
  await closeAdapters();
  await upstream.close();
});

const MODES: Array<{ mode: string; env: Record<string, string>; clientKey: string; upstreamSees: string }> = [
  { mode: 'open (the client key goes upstream)', env: {}, clientKey: 'sk-client-own-key-1', upstreamSees: 'Bearer sk-client-own-key-1' },
  {
    mode: 'keyed (adapter key in, upstream key out)',
    env: { ADAPTER_API_KEYS: 'sk-adapter-key-1', UPSTREAM_API_KEY: 'sk-upstream-key-1' },
    clientKey: 'sk-adapter-key-1',
    upstreamSees: 'Bearer sk-upstream-key-1',
  },
];

async function sdkFor(env: Record<string, string>, apiKey: string): Promise<OpenAI> {
  upstream = await startApiUpstream();
  const adapter = await startAdapter(upstream.url, env);
  return new OpenAI({ baseURL: adapter.url, apiKey, maxRetries: 0, organization: 'org-client', project: 'proj-client' });
}

describe.each(MODES)('through the adapter, $mode', ({ env, clientKey, upstreamSees }) => {
  it('embeddings.create: the vectors the upstream computed (base64 as the SDK asks), the request as sent', async () => {
    const client = await sdkFor(env, clientKey);
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'The food was delicious.' });

    expect(result.data[0]!.embedding).toEqual(EMBEDDING);
    expect(result.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const seen = upstream.requests[0]!;
    expect({ method: seen.method, url: seen.url, authorization: seen.headers.authorization }).toEqual({
      method: 'POST',
      url: '/v1/embeddings',
      authorization: upstreamSees,
    });
    expect(JSON.parse(seen.body.toString())).toEqual({ model: 'text-embedding-3-small', input: 'The food was delicious.', encoding_format: 'base64' });
  });

  it('files.create: a 3 MB multipart upload arrives byte for byte, with its length', async () => {
    const client = await sdkFor(env, clientKey);
    const content = patternBytes(3 * 1024 * 1024 + 17);
    const file = await client.files.create({ file: await toFile(content, 'upload.jsonl'), purpose: 'batch' });

    expect(file).toMatchObject({ id: 'file-abc123', object: 'file', purpose: 'batch', bytes: content.length, sha256: sha256(content) });
    const seen = upstream.requests[0]!;
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.headers['content-length']).toBe(String(seen.body.length));
    expect(multipartPart(seen.body, seen.headers['content-type'], 'file')!.equals(content)).toBe(true);
    expect(seen.headers.authorization).toBe(upstreamSees);
  });

  it('audio.speech.create: the audio bytes as the upstream sent them', async () => {
    const client = await sdkFor(env, clientKey);
    const speech = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Hello.' });

    expect(speech.headers.get('content-type')).toBe('audio/mpeg');
    expect(speech.headers.get('content-length')).toBe(String(SPEECH_BYTES.length));
    expect(Buffer.from(await speech.arrayBuffer()).equals(SPEECH_BYTES)).toBe(true);
  });

  it('completions.create (legacy): JSON and a stream', async () => {
    const client = await sdkFor(env, clientKey);
    const completion = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this' });
    expect(completion).toMatchObject({ object: 'text_completion', choices: [{ text: 'Echo: Say this', finish_reason: 'stop' }] });

    const texts: string[] = [];
    for await (const chunk of await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this', stream: true })) {
      texts.push(chunk.choices[0]!.text);
    }
    expect(texts).toEqual(['Echo', ': ', 'Say this']);
    expect(upstream.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /v1/completions', 'POST /v1/completions']);
  });
});

describe('what of the client reaches the upstream', () => {
  it('open mode: the client key, organization and project; keyed mode: only the upstream key', async () => {
    for (const { env, clientKey } of MODES) {
      const client = await sdkFor(env, clientKey);
      await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
      const headers = upstream.requests[0]!.headers;
      const keyed = 'UPSTREAM_API_KEY' in env;
      expect({ organization: headers['openai-organization'], project: headers['openai-project'] }).toEqual(
        keyed ? { organization: undefined, project: undefined } : { organization: 'org-client', project: 'proj-client' },
      );
      await closeAdapters();
      await upstream.close();
    }
    upstream = await startApiUpstream();
  });
});
