/**
 * Where the time of a huge Chat request goes, stage by stage, at growing sizes: a stage whose time
 * grows faster than its input (2x the messages, more than 2x the time) is super-linear. Each stage
 * runs as the server runs it, in slices (`yielding.ts`): "longest ms" is its longest stretch without
 * a pause, how long any other request would wait on it.
 *
 *   node --expose-gc --import tsx scripts/huge-request-stages.ts [messages...]   (default 100k…800k)
 *
 * Each message is a short user turn, as in the 24 MB / 800,000-message body of issue 12 (item 12).
 */
import { parseJsonInSlices } from '../src/http/json-in-slices.js';
import { ReasoningContinuity } from '../src/reasoning/continuity.js';
import { sizeOfReasoning } from '../src/reasoning/replay.js';
import { parseChatRequestSteps } from '../src/schema/validate.js';
import { MemoryStore } from '../src/state/memory-store.js';
import { toResponsesRequestSteps } from '../src/translate/request.js';
import { requestBodySteps } from '../src/upstream/request-body.js';
import type { Steps } from '../src/yielding.js';

const sizes = process.argv.slice(2).map(Number).filter((size) => size > 0);
const counts = sizes.length > 0 ? sizes : [100_000, 200_000, 400_000, 800_000];

function body(messages: number): string {
  const parts = new Array<string>(messages);
  for (let index = 0; index < messages; index++) parts[index] = `{"role":"user","content":"m${index % 10}"}`;
  return `{"model":"gpt-5-mini","messages":[${parts.join(',')}]}`;
}

/** Total time of the stage, and its longest stretch between two pauses. */
function sliced<T>(steps: Steps<T>): { value: T; ms: number; longestMs: number } {
  globalThis.gc?.();
  const started = performance.now();
  let longest = 0;
  for (;;) {
    const stretch = performance.now();
    const next = steps.next();
    longest = Math.max(longest, performance.now() - stretch);
    if (next.done) return { value: next.value, ms: Math.round(performance.now() - started), longestMs: Math.round(longest) };
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  globalThis.gc?.();
  const started = performance.now();
  const value = await run();
  return { value, ms: Math.round(performance.now() - started) };
}

const rows: Array<Record<string, number | string>> = [];
for (const messages of counts) {
  const text = body(messages);
  const parsed = sliced(parseJsonInSlices(Buffer.from(text)));
  const validated = sliced(parseChatRequestSteps(parsed.value));
  const translated = sliced(toResponsesRequestSteps(validated.value));
  const continuity = new ReasoningContinuity(new MemoryStore(64 * 1024 * 1024, 3_600_000, sizeOfReasoning));
  const prepared = await timed(() => continuity.prepare(translated.value.request, { authorization: undefined, forwardedHeaders: {} }));
  const serialised = sliced(requestBodySteps(prepared.value.request));
  rows.push({
    messages,
    'body MB': Math.round(text.length / 1024 / 102.4) / 10,
    'parse ms (longest)': `${parsed.ms} (${parsed.longestMs})`,
    'validate ms (longest)': `${validated.ms} (${validated.longestMs})`,
    'translate ms (longest)': `${translated.ms} (${translated.longestMs})`,
    'continuity ms': prepared.ms,
    'serialise ms (longest)': `${serialised.ms} (${serialised.longestMs})`,
    'rss MiB': Math.round(process.memoryUsage.rss() / 1024 / 1024),
  });
}
console.table(rows);
