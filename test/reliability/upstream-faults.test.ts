import { afterEach, describe, expect, it } from 'vitest';
import { messageItem, responseObject, textStreamEvents } from '../../tools/fake-upstream/index.js';
import { startAppUnderTest, type AppUnderTest } from './app-under-test.js';
import { closedPortUrl, eventually, startScriptedUpstream, type Exchange, type Script, type ScriptedUpstream } from './scripted-upstream.js';

let app: AppUnderTest | undefined;
let upstream: ScriptedUpstream | undefined;

afterEach(async () => {
  await app?.close();
  await upstream?.close();
  app = undefined;
  upstream = undefined;
});

const events = textStreamEvents(responseObject({ output: [messageItem('Hello world')] }), ['Hello', ' world']).map(
  (event, index): Record<string, unknown> => ({ ...event, sequence_number: index }),
);
const frame = (event: Record<string, unknown>) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const firstDelta = events.findIndex((event) => event.type === 'response.output_text.delta');
/** created + in_progress: nothing a client would show yet. */
const beforeOutput = events.slice(0, 2).map(frame).join('');
/** Up to the first text delta ("Hello"). */
const afterOutput = events.slice(0, firstDelta + 1).map(frame).join('');
const wholeStream = events.map(frame).join('');

function openEventStream(exchange: Exchange, text: string): void {
  exchange.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  exchange.response.write(text);
}

const hold = (text: string): Script => (exchange) => openEventStream(exchange, text);
/** Drops the connection (FIN after the data, so what was sent is read before the break). */
const dropAfter = (text: string): Script => (exchange) => {
  openEventStream(exchange, text);
  exchange.drop();
};
const endAfter = (text: string): Script => (exchange) => {
  openEventStream(exchange, text);
  exchange.response.end();
};
const reply = (status: number, contentType: string, body: string): Script => (exchange) => {
  exchange.response.writeHead(status, { 'content-type': contentType });
  exchange.response.end(body);
};
const badGatewayPage = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
const brokenJson = 'data: {"type":"response.output_text.delta","delta":\n\n';

interface Fault {
  fault: string;
  /** undefined: nothing listens at the upstream address. */
  script?: Script;
  env?: Record<string, string>;
  status: number;
  code: string;
  /** The error arrives as a `data: {"error"}` frame after "Hello" was sent. */
  inBand?: boolean;
  /** The upstream kept the connection open: the adapter must close it. */
  adapterCloses?: boolean;
  /** Done to the upstream connection once the client has seen the first words. */
  afterFirstWords?: (exchange: Exchange) => void;
}

const streamFaults: Fault[] = [
  { fault: 'connection refused', status: 502, code: 'upstream_unreachable' },
  { fault: 'reset before headers', script: (exchange) => exchange.reset(), status: 502, code: 'upstream_unreachable' },
  { fault: 'connection dropped mid-stream before output', script: dropAfter(beforeOutput), status: 502, code: 'upstream_stream_broken' },
  {
    fault: 'reset mid-stream after output',
    script: hold(afterOutput),
    afterFirstWords: (exchange) => exchange.reset(),
    status: 200,
    code: 'upstream_stream_broken',
    inBand: true,
  },
  { fault: 'invalid JSON in data: before output', script: hold(beforeOutput + brokenJson), status: 502, code: 'upstream_protocol_error', adapterCloses: true },
  { fault: 'invalid JSON in data: after output', script: hold(afterOutput + brokenJson), status: 200, code: 'upstream_protocol_error', inBand: true, adapterCloses: true },
  { fault: 'an HTML 502 page', script: reply(502, 'text/html', badGatewayPage), status: 502, code: 'upstream_error' },
  { fault: 'an event stream holding an HTML page', script: reply(200, 'text/event-stream', badGatewayPage), status: 502, code: 'upstream_stream_truncated' },
  { fault: 'no headers in time', script: () => {}, env: { UPSTREAM_TIMEOUT_MS: '200' }, status: 504, code: 'upstream_timeout', adapterCloses: true },
  { fault: 'a stalled stream before output', script: hold(beforeOutput), env: { STREAM_IDLE_TIMEOUT_MS: '200' }, status: 504, code: 'upstream_idle_timeout', adapterCloses: true },
  { fault: 'a stalled stream after output', script: hold(afterOutput), env: { STREAM_IDLE_TIMEOUT_MS: '200' }, status: 200, code: 'upstream_idle_timeout', inBand: true, adapterCloses: true },
  { fault: 'no terminal event before output', script: endAfter(beforeOutput), status: 502, code: 'upstream_stream_truncated' },
  { fault: 'no terminal event after output', script: endAfter(afterOutput), status: 200, code: 'upstream_stream_truncated', inBand: true },
];

const nonStreamFaults: Fault[] = [
  { fault: 'connection refused', status: 502, code: 'upstream_unreachable' },
  { fault: 'reset before headers', script: (exchange) => exchange.reset(), status: 502, code: 'upstream_unreachable' },
  {
    fault: 'connection dropped in the middle of the body',
    script: (exchange) => {
      exchange.response.writeHead(200, { 'content-type': 'application/json' });
      exchange.response.write('{"id":"resp_1","object":"response","output":[');
      exchange.drop();
    },
    status: 502,
    code: 'upstream_connection_broken',
  },
  { fault: 'a body that is not JSON', script: reply(200, 'application/json', '{"id":"resp_1",'), status: 502, code: 'upstream_protocol_error' },
  { fault: 'an HTML 502 page', script: reply(502, 'text/html', badGatewayPage), status: 502, code: 'upstream_error' },
  { fault: 'no answer in time', script: () => {}, env: { UPSTREAM_TIMEOUT_MS: '200' }, status: 504, code: 'upstream_timeout', adapterCloses: true },
];

async function startFault({ script, env }: Fault): Promise<AppUnderTest> {
  let upstreamUrl: string;
  if (script) {
    upstream = await startScriptedUpstream(script);
    upstreamUrl = upstream.url;
  } else {
    upstreamUrl = await closedPortUrl();
  }
  app = await startAppUnderTest({ upstreamUrl, env });
  return app;
}

/** Reads a body to its end, telling `onText` the text so far after each piece. */
async function readText(answer: Response, onText: (text: string) => void): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const piece of answer.body!) {
    text += decoder.decode(piece, { stream: true });
    onText(text);
  }
  return text;
}

/** The `data:` payloads of an SSE body. */
function dataFrames(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

const openAIError = (code: string) => ({
  error: { message: expect.any(String), type: expect.any(String), param: null, code },
});

async function expectUpstreamReleased(fault: Fault): Promise<void> {
  if (!upstream) return;
  const scripted = upstream;
  await eventually(() => scripted.exchanges.every((exchange) => exchange.isSettled()), 'every upstream reply is over');
  if (fault.adapterCloses) expect(scripted.exchanges.map((exchange) => exchange.closedByClient())).toEqual([true]);
}

describe('a misbehaving upstream, streaming', () => {
  it.each(streamFaults)('$fault: a clean OpenAI error ($code), logged, connection released', async (fault) => {
    const adapter = await startFault(fault);
    const answer = await adapter.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let firstWordsSeen = false;
    const text = await readText(answer, (soFar) => {
      if (firstWordsSeen || !soFar.includes('"content":"Hello"')) return;
      firstWordsSeen = true;
      fault.afterFirstWords?.(upstream!.exchanges[0]!);
    });

    if (fault.inBand) {
      const frames = dataFrames(text);
      expect({ status: answer.status, last: JSON.parse(frames.at(-1)!) }).toEqual({ status: 200, last: openAIError(fault.code) });
      expect(frames).not.toContain('[DONE]');
      expect(text).toContain('"content":"Hello"');
      expect(text).not.toMatch(/"finish_reason":"/);
    } else {
      expect({ status: answer.status, body: JSON.parse(text) }).toEqual({ status: fault.status, body: openAIError(fault.code) });
    }
    await eventually(() => adapter.loggedErrorCodes().includes(fault.code), `${fault.code} is logged`);
    await expectUpstreamReleased(fault);
  });
});

describe('a misbehaving upstream, not streaming', () => {
  it.each(nonStreamFaults)('$fault: a clean OpenAI error ($code), logged, connection released', async (fault) => {
    const adapter = await startFault(fault);
    const answer = await adapter.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });

    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: fault.status, body: openAIError(fault.code) });
    await eventually(() => adapter.loggedErrorCodes().includes(fault.code), `${fault.code} is logged`);
    await expectUpstreamReleased(fault);
  });

  it('keeps the words of an HTML error page in the message', async () => {
    const adapter = await startFault({ fault: 'html', script: reply(502, 'text/html', badGatewayPage), status: 502, code: 'upstream_error' });
    const answer = await adapter.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
    expect(((await answer.json()) as { error: { message: string } }).error.message).toBe('The upstream answered HTTP 502: 502 Bad Gateway 502 Bad Gateway.');
  });
});

/** Junk between events that the SSE spec says to ignore (lines without a colon, comments, unknown fields). */
const junkLines = ['this line has no colon\n', ': a comment\n', 'retry: soon\n', 'x-unknown-field: value\n', '\n'];

describe('an upstream that is odd but not wrong, streaming', () => {
  it.each([
    {
      oddity: 'junk lines between events',
      script: endAfter(events.map((event, index) => junkLines[index % junkLines.length] + frame(event)).join('')),
      content: 'Hello world',
    },
    {
      oddity: 'one event larger than 1 MB',
      script: endAfter(
        textStreamEvents(responseObject({ output: [messageItem('a'.repeat(1_500_000))] }), ['a'.repeat(1_500_000)]).map(frame).join(''),
      ),
      content: 'a'.repeat(1_500_000),
    },
  ])('$oddity: the whole answer arrives', async ({ script, content }) => {
    const adapter = await startFault({ fault: 'odd', script, status: 200, code: '' });
    const answer = await adapter.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks = dataFrames(await answer.text());

    expect(chunks.at(-1)).toBe('[DONE]');
    const deltas = chunks.slice(0, -1).map((chunk) => JSON.parse(chunk).choices[0].delta.content ?? '');
    expect({ status: answer.status, content: deltas.join('') }).toEqual({ status: 200, content });
  });

  it('a slow drip of one byte every few ms succeeds even with a short idle timeout', async () => {
    const minimal = [
      { type: 'response.created', response: { id: 'resp_drip', created_at: 1, model: 'gpt-test', status: 'in_progress', output: [] } },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'drip' },
      { type: 'response.completed', response: { id: 'resp_drip', created_at: 1, model: 'gpt-test', status: 'completed', output: [] } },
    ];
    const bytes = Buffer.from(minimal.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''));
    const adapter = await startFault({
      fault: 'drip',
      env: { STREAM_IDLE_TIMEOUT_MS: '150' },
      status: 200,
      code: '',
      script: async (exchange) => {
        exchange.response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const byte of bytes) {
          exchange.response.write(Buffer.of(byte));
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
        exchange.response.end();
      },
    });
    const started = Date.now();
    const answer = await adapter.post({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks = dataFrames(await answer.text());

    // Longer in total than the idle timeout, so only per-byte progress kept it alive.
    expect(Date.now() - started).toBeGreaterThan(150);
    expect(chunks.slice(0, -1).map((chunk) => JSON.parse(chunk).choices[0]).filter((choice) => choice.delta.content || choice.finish_reason)).toEqual([
      { index: 0, delta: { content: 'drip' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(chunks.at(-1)).toBe('[DONE]');
  });
});
