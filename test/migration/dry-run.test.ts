import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { chatRequestSchema } from '../../src/schema/chat-request.js';
import { PARAMETER_FATES } from '../../src/translate/parameter-fates.js';
import { startHarness, type Harness } from '../http/app-harness.js';

let harness: Harness;
afterEach(async () => {
  await harness?.close();
});

const translate = (body: unknown) => request(harness.app).post('/v1/adapter/translate').send(body as object);
const fateOf = (parameters: Array<{ param: string; fate: string }>) => Object.fromEntries(parameters.map((entry) => [entry.param, entry.fate]));

describe('POST /v1/adapter/translate', () => {
  it('answers the Responses request, the warnings and each parameter\'s fate, without calling the upstream', async () => {
    harness = await startHarness({ MODEL_ALIASES: 'gpt-4o=gpt-5-mini' });
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi', name: 'alice' },
      ],
      n: 2,
      stop: ['END'],
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
      presence_penalty: 0,
      temperature: 0.2,
    };

    const response = await translate(body).expect(200);

    expect(harness.fake.requests).toEqual([]);
    expect(response.body.ok).toBe(true);
    expect(response.body.request).toMatchObject({
      model: 'gpt-5-mini',
      instructions: 'Be brief.',
      input: [{ type: 'message', role: 'user', content: 'Hi' }],
      temperature: 0.2,
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    expect(response.body.request).not.toHaveProperty('seed');
    expect(response.body.warnings.map((warning: { param: string }) => warning.param)).toEqual(['seed', 'messages[1].name']);
    expect(fateOf(response.body.parameters)).toEqual({
      model: 'mapped',
      messages: 'mapped',
      n: 'emulated',
      stop: 'emulated',
      stream: 'mapped',
      stream_options: 'emulated',
      seed: 'warned',
      presence_penalty: 'mapped',
      temperature: 'mapped',
      'messages[1].name': 'warned',
    });
    expect(response.body).toMatchObject({ status: 200, error: null });
  });

  it.each([
    { name: 'audio output', body: { modalities: ['text', 'audio'] }, param: 'modalities', code: 'unsupported_parameter' },
    { name: 'an unknown key', body: { temperatur: 1 }, param: 'temperatur', code: 'unknown_parameter' },
    { name: 'n over MAX_CHOICES', body: { n: 99 }, param: 'n', code: null },
  ])('says what a real call would answer to $name, and which parameter is rejected', async ({ body, param, code }) => {
    harness = await startHarness();

    const response = await translate({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], ...body }).expect(200);

    expect(response.body).toMatchObject({ ok: false, request: null, status: 400, error: { param, code, type: 'invalid_request_error' } });
    expect(fateOf(response.body.parameters)[param]).toBe('rejected');
    expect(harness.fake.requests).toEqual([]);
  });

  it('under STRICT_PARAMS a parameter that would be dropped is rejected', async () => {
    harness = await startHarness({ STRICT_PARAMS: '1' });

    const response = await translate({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], seed: 1 }).expect(200);

    expect(response.body).toMatchObject({ ok: false, status: 400, error: { param: 'seed', code: 'unsupported_parameter' } });
    expect(fateOf(response.body.parameters).seed).toBe('rejected');
  });

  it('shows a background run as it would be posted, and says so; other models stay in the foreground', async () => {
    harness = await startHarness({ BACKGROUND: 'auto', BACKGROUND_MODELS: '-pro$' });

    const pro = await translate({ model: 'o3-pro', messages: [{ role: 'user', content: 'Think.' }] }).expect(200);
    const plain = await translate({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] }).expect(200);

    expect(harness.fake.requests).toEqual([]);
    expect(pro.body).toMatchObject({ ok: true, background: true, request: { model: 'o3-pro', background: true, store: true } });
    expect(plain.body).toMatchObject({ ok: true, background: false, request: { model: 'gpt-test', store: false } });
    expect(plain.body.request).not.toHaveProperty('background');
  });

  it('needs a client key like every other route when keys are configured', async () => {
    harness = await startHarness({ ADAPTER_API_KEYS: 'sk-client-123456', UPSTREAM_API_KEY: 'sk-upstream-123456' });
    await translate({ model: 'gpt-test', messages: [] }).expect(401);
  });
});

describe('the fate table', () => {
  it('has an entry for every parameter the adapter accepts, and no other', () => {
    expect(Object.keys(PARAMETER_FATES).sort()).toEqual(Object.keys(chatRequestSchema.shape).sort());
  });

  it('agrees with the README mapping table for every parameter listed there', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| Chat Completions | Fate |'), readme.indexOf('### Messages'));
    const stated = new Map<string, string>();
    for (const row of table.split('\n')) {
      const cells = row.split('|').map((cell) => cell.trim());
      const [names, fate] = [cells[1] ?? '', cells[2] ?? ''];
      for (const name of names.matchAll(/`([a-z_]+)`/g)) if (!stated.has(name[1]!)) stated.set(name[1]!, fate);
    }
    const disagreements = Object.entries(PARAMETER_FATES)
      .filter(([param]) => stated.has(param))
      .filter(([param, { fate }]) => stated.get(param) !== fate && !(param === 'stream_options' && stated.get(param) === 'mapped'))
      .map(([param, { fate }]) => `${param}: table says ${stated.get(param)}, code says ${fate}`);
    expect(disagreements).toEqual([]);
    expect(stated.size).toBeGreaterThan(30);
  });
});

describe('chat-responses-adapter translate', () => {
  async function cli(args: string[], input: string, env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['translate', ...args], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
      stdin: [Buffer.from(input)],
    });
    return { code, stdout, stderr };
  }

  it('prints the dry run of the request on standard input, exit 0 when it would be sent', async () => {
    const { code, stdout } = await cli([], JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], seed: 3 }));
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.request).toMatchObject({ model: 'gpt-test', input: [{ type: 'message', role: 'user', content: 'Hi' }], store: false });
    expect(fateOf(result.parameters).seed).toBe('warned');
  });

  it('exits 1 when the request would be refused, 2 on input that is not JSON', async () => {
    expect((await cli([], JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], audio: {} }))).code).toBe(1);
    const broken = await cli([], '{nope');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('not JSON');
  });
});
