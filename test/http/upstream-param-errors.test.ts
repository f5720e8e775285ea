import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasSharedFixtures, loadRecordedFixture } from '../helpers/recorded-fixtures.js';
import { startHarness, type Harness } from './app-harness.js';

/** Upstream 400s point into the Responses request; the client is told which Chat field it was. */

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

const invalidSchemaBody = {
  error: {
    message: "Invalid schema for response_format 'answer': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"array\"'.",
    type: 'invalid_request_error',
    param: 'text.format.schema',
    code: 'invalid_json_schema',
  },
};
const arraySchemaRequest = (stream: boolean) => ({
  model: 'gpt-test',
  stream,
  messages: [{ role: 'user', content: 'List three colours.' }],
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'array', items: { type: 'string' } } } },
});

async function post(body: unknown) {
  const reply = await fetch(`${await harness.listen()}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-param' },
    body: JSON.stringify(body),
  });
  return { status: reply.status, body: (await reply.json()) as { error: Record<string, unknown> } };
}

describe('upstream errors in Chat terms', () => {
  it.each([
    ['non-stream', false],
    ['stream', true],
  ])('names response_format.json_schema.schema for text.format.schema (%s)', async (_name, stream) => {
    harness.fake.enqueue({ kind: 'json', status: 400, body: invalidSchemaBody });

    const answer = await post(arraySchemaRequest(stream));

    expect(answer).toEqual({ status: 400, body: { error: { ...invalidSchemaBody.error, param: 'response_format.json_schema.schema' } } });
  });

  it('names the message of an input item', async () => {
    harness.fake.enqueue({
      kind: 'json',
      status: 400,
      body: { error: { message: "Invalid 'input[1].content[0].image_url': not a valid URL.", type: 'invalid_request_error', param: 'input[1].content[0].image_url', code: 'invalid_value' } },
    });

    const answer = await post({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'Describe images.' },
        { role: 'user', content: 'First, some text.' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/missing.png' } }] },
      ],
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error.param).toBe('messages[2].content[0]');
    expect(answer.body.error.message).toBe("Invalid 'input[1].content[0].image_url': not a valid URL.");
  });

  it.skipIf(!hasSharedFixtures)('names the Chat field for the recorded invalid-schema 400', async () => {
    const [recorded] = loadRecordedFixture('json-schema-invalid-schema-400.vercel-ai.json');
    harness.fake.enqueue({ kind: 'json', status: 400, body: recorded!.response.json });

    const answer = await post(arraySchemaRequest(false));

    expect(answer.body.error).toEqual({ ...recorded!.response.json.error, param: 'response_format.json_schema.schema' });
  });
});
