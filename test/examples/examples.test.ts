import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { functionCallItem, messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from '../http/app-harness.js';

/** The examples in examples/ run as a user would run them, against the adapter and a fake upstream. */

const run = promisify(execFile);
const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
let harness: Harness;
let adapterUrl: string;
beforeEach(async () => {
  harness = await startHarness();
  adapterUrl = await harness.listen();
});
afterEach(async () => {
  await harness.close();
});

const exampleEnv = () => ({ ...process.env, ADAPTER_URL: adapterUrl, OPENAI_API_KEY: 'sk-example', MODEL: 'gpt-test' });

describe('examples', () => {
  it('openai-sdk.ts: create, tool round trip, zod parse and the stream helper', async () => {
    const counted = responseObject({ output: [messageItem('1, 2, 3, 4, 5')] });
    harness.fake.enqueue(
      { kind: 'json', body: responseObject({ output: [messageItem('It keeps their code unchanged.')] }) },
      { kind: 'json', body: responseObject({ output: [functionCallItem('get_weather', '{"city":"Paris"}', 'call_paris')] }) },
      { kind: 'json', body: responseObject({ output: [messageItem('18 °C and clear in Paris.')] }) },
      {
        kind: 'json',
        body: responseObject({ output: [messageItem('{"name":"Science fair","date":"Friday","participants":["Alice","Bob"]}')] }),
      },
      { kind: 'stream', events: textStreamEvents(counted, ['1, 2, ', '3, 4, 5']) },
    );

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/openai-sdk.ts'], { env: exampleEnv(), timeout: 30_000 });

    expect(stdout).toContain('answer: It keeps their code unchanged.');
    expect(stdout).toContain('after tools: 18 °C and clear in Paris.');
    expect(stdout).toContain("participants: [ 'Alice', 'Bob' ]");
    expect(stdout).toContain('1, 2, 3, 4, 5\nfinish_reason: stop');
    const toolTurn = harness.fake.requests[2]!.body.input;
    expect(toolTurn.at(-1)).toEqual({
      type: 'function_call_output',
      call_id: 'call_paris',
      output: JSON.stringify({ city: 'Paris', celsius: 18, sky: 'clear' }),
    });
    expect(harness.fake.requests[3]!.body.text.format).toMatchObject({ type: 'json_schema', name: 'event', strict: true });
  });

  it.skipIf(!hasCurl)('curl.sh and openai-sdk.ts run with no key and no model set, sending no key of their own', async () => {
    const unset = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ADAPTER_URL: adapterUrl };
    const { stdout: curled } = await run('bash', ['examples/curl.sh'], { env: unset, timeout: 30_000 });
    expect(curled).toContain('"object":"chat.completion"');
    expect(curled.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const { stdout: sdk } = await run(process.execPath, ['--import', 'tsx', 'examples/openai-sdk.ts'], { env: unset, timeout: 30_000 });
    expect(sdk).toContain('finish_reason: stop');
    const sent = harness.fake.requests.map((request) => [request.body?.model, request.headers.authorization]);
    expect(sent.slice(0, 2)).toEqual([
      ['gpt-5-mini', undefined],
      ['gpt-5-mini', undefined],
    ]);
    expect(sent.slice(2).every(([model, authorization]) => model === 'gpt-5-mini' && authorization === 'Bearer no-key-set')).toBe(true);
  });

  it.skipIf(!hasCurl)('curl.sh: a JSON answer, then an event stream ending in [DONE]', async () => {
    const answer = responseObject({ output: [messageItem('The Responses API is OpenAI’s newer API.')] });
    harness.fake.enqueue({ kind: 'json', body: answer }, { kind: 'stream', events: textStreamEvents(answer, ['The Responses API ', 'is OpenAI’s newer API.']) });

    const { stdout } = await run('bash', ['examples/curl.sh'], { env: exampleEnv(), timeout: 30_000 });

    const [json, ...frames] = stdout.split('\n').filter((line) => line !== '');
    expect(JSON.parse(json!)).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'The Responses API is OpenAI’s newer API.' } }] });
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames.every((frame) => frame.startsWith('data: '))).toBe(true);
  });
});
