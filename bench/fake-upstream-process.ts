/** The fake upstream in its own process for the benchmark; prints its base URL on stdout. */
import { messageItem, responseObject, startFakeUpstream, textStreamEvents } from '../test/helpers/fake-upstream.js';

const fake = await startFakeUpstream({ validate: false });
const final = responseObject({ output: [messageItem('word '.repeat(200).trim())] });
const deltas = Array.from({ length: 200 }, (_, index) => (index === 0 ? 'word' : ' word'));
const hold = process.env.HOLD_AFTER ? Number(process.env.HOLD_AFTER) : undefined;
fake.setDefault((request) =>
  request.body?.stream
    ? { kind: 'stream', events: textStreamEvents(final, deltas), ...(hold !== undefined && { holdAfter: hold }) }
    : { kind: 'json', body: final },
);
process.stdout.write(`${fake.url}\n`);
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
