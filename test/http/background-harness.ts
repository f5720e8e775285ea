/** The app against a fake upstream that runs `background: true` as real runs, for the background-mode tests. */
import OpenAI from 'openai';
import { afterEach } from 'vitest';
import type { BackgroundOptions, RecordedRequest } from '../../tools/fake-upstream/index.js';
import { startHarness, type Harness } from './app-harness.js';

/** A model BACKGROUND=auto runs in the background by default. */
export const PRO_MODEL = 'gpt-5-pro';

export interface BackgroundHarness {
  harness: Harness;
  client: OpenAI;
}

/** One harness per test, closed after it. */
export function useBackgroundHarness(): (env?: Record<string, string>, background?: BackgroundOptions) => Promise<BackgroundHarness> {
  let open: Harness | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return async (env = {}, background = { stepMs: 5 }) => {
    open = await startHarness(env, { background });
    return { harness: open, client: new OpenAI({ baseURL: await open.listen(), apiKey: 'sk-test', maxRetries: 0 }) };
  };
}

/** The calls the fake received, as `METHOD path` (the run id shown as `{id}`, `?stream=true…` kept, other queries left out). */
export function callsOf(requests: readonly RecordedRequest[]): string[] {
  return requests.map((request) => {
    const url = new URL(request.path, 'http://fake');
    const stream = url.searchParams.get('stream') === 'true' ? `?stream=true&starting_after=${url.searchParams.get('starting_after')}` : '';
    return `${request.method} ${url.pathname.replace(/resp_[0-9a-f]+/, '{id}')}${stream}`;
  });
}

/** Waits until `check` holds (the adapter settles runs after the answer), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
