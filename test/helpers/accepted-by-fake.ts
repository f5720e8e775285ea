/**
 * Posting translated bodies to the fake upstream, which validates like the real API, so translator
 * tests can check that what they produce is a request the Responses API would take.
 */
import { startFakeUpstream, type FakeUpstream } from '../../tools/fake-upstream/index.js';
import { startForAllTests } from './per-test.js';

/** The fake's answer to `POST /responses` with this body, read to the end. */
export async function postToFake(fake: FakeUpstream, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${fake.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Starts a fake upstream for the tests of the enclosing block and returns a function giving the
 * status it answers a body with (200 when it would be accepted).
 */
export function useFakeUpstreamStatus(): (body: unknown) => Promise<number> {
  const fake = startForAllTests(startFakeUpstream);
  return async (body) => (await postToFake(fake(), body)).status;
}
