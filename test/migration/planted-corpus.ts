/**
 * A small corpus with known divergences planted, and the replay run over it. Fifteen requests:
 * - tool calls: 6 requests with tools, 2 divergent (arguments differ; name differs); key order
 *   alone, text answers and parallel calls do not diverge;
 * - structured output: 2 json_schema requests, 1 invalid on the Responses side;
 * - 1 refusal on the Responses side only; 1 finish reason (length) on the Responses side only;
 * - errors: 1 on the Responses side only (500), 1 on both (401, which quotes the keys);
 * - content: 1 pair with nothing in common; 1 streamed pair; 2 lines are capture records.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli.js';
import { startReplayFakes, type ReplayFakes } from './replay-fakes.js';
import type { Scenario } from './scripted-answers.js';

export const chatKey = 'sk-chat-SECRET-0123456789abcdef';
export const responsesKey = 'sk-resp-SECRET-fedcba9876543210';

const model = 'gpt-test';
const user = (text: string) => [{ role: 'user', content: text }];
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
const schema = {
  type: 'json_schema',
  json_schema: {
    name: 'person',
    strict: true,
    schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false },
  },
};
const call = (name: string, args: string) => ({ name, arguments: args });
const both = (answer: Scenario['responses']): Scenario => ({ chat: answer, responses: answer });

export const plantedScenarios: Record<string, Scenario> = {
  'plain same': both({ text: 'The same answer on both paths.' }),
  'plain different': { chat: { text: 'Paris is the capital of France.' }, responses: { text: 'Bananas grow in bunches.' } },
  'tool key order': { chat: { toolCalls: [call('get_weather', '{"city":"Oslo","days":2}')] }, responses: { toolCalls: [call('get_weather', '{"days":2,"city":"Oslo"}')] } },
  'tool arguments differ': { chat: { toolCalls: [call('get_weather', '{"city":"Oslo"}')] }, responses: { toolCalls: [call('get_weather', '{"city":"Bergen"}')] } },
  'tool name differs': { chat: { toolCalls: [call('get_weather', '{}')] }, responses: { toolCalls: [call('get_forecast', '{}')] } },
  'tool same': both({ toolCalls: [call('get_weather', '{"city":"Rome"}')] }),
  'tools offered, text answered': both({ text: 'No tool needed for this one.' }),
  'parallel tools': both({ toolCalls: [call('get_weather', '{"city":"Rome"}'), call('get_weather', '{"city":"Milan"}')] }),
  'schema valid': both({ text: '{"name":"Ana","age":30}' }),
  'schema invalid on responses': { chat: { text: '{"name":"Ana","age":30}' }, responses: { text: '{"name":"Ana","age":"30"}' } },
  'refusal on responses': { chat: { text: 'Here is how locks work in general.' }, responses: { refusal: "I can't help with that." } },
  'error on responses': { chat: { text: 'Fine here.' }, responses: { error: { status: 500, message: `The server had an error with key ${responsesKey}` } } },
  'error on both': {
    chat: { error: { status: 401, message: `Incorrect API key provided: ${chatKey}. Authorization: Bearer ${chatKey}`, code: 'invalid_api_key' } },
    responses: { error: { status: 401, message: `Incorrect API key provided: ${responsesKey}.`, code: 'invalid_api_key' } },
  },
  'streamed same': both({ text: 'Streamed words arrive in pieces, 中文也一样 👋🏽.', usage: [12, 9] }),
  'length on responses': { chat: { text: 'A long story that goes on' }, responses: { text: 'A long story that goes on', truncated: true } },
};

export const plantedLines: unknown[] = [
  { id: 'cap-first', time: '2026-01-01T00:00:00Z', request: { model, messages: user('plain same') } },
  { model, messages: user('plain different') },
  { model, messages: user('tool key order'), tools },
  { model, messages: user('tool arguments differ'), tools },
  { model, messages: user('tool name differs'), tools },
  { model, messages: user('tool same'), tools },
  { model, messages: user('tools offered, text answered'), tools },
  { model, messages: user('parallel tools'), tools, parallel_tool_calls: true },
  { model, messages: user('schema valid'), response_format: schema },
  { model, messages: user('schema invalid on responses'), response_format: schema },
  { model, messages: user('refusal on responses') },
  { id: 'cap-error', time: '2026-01-01T00:00:01Z', request: { model, messages: user('error on responses') } },
  { model, messages: user('error on both') },
  { model, messages: user('streamed same'), stream: true, stream_options: { include_usage: true } },
  { model, messages: user('length on responses'), max_completion_tokens: 20 },
];

export interface PlantedRun {
  code: number;
  stdout: string;
  stderr: string;
  outDir: string;
  fakes: ReplayFakes;
}

/** Writes the corpus and runs `replay` over it in-process, keys from the environment. */
export async function runPlantedReplay(fakes: ReplayFakes, extraArguments: string[] = []): Promise<PlantedRun> {
  const directory = await mkdtemp(join(tmpdir(), 'replay-planted-'));
  const file = join(directory, 'requests.jsonl');
  await writeFile(file, `${plantedLines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  const outDir = join(directory, 'report');
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    ['replay', file, '--chat-url', fakes.chatUrl, '--responses-url', fakes.responsesUrl, '--out', outDir, '--concurrency', '3', ...extraArguments],
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      env: { CHAT_API_KEY: chatKey, RESPONSES_API_KEY: responsesKey },
    },
  );
  return { code, stdout, stderr, outDir, fakes };
}

export async function startPlantedFakes(): Promise<ReplayFakes> {
  return startReplayFakes(plantedScenarios);
}
