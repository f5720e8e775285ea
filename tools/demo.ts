/**
 * `npm run demo`: the adapter on an embedded simulated Responses API (tools/fake-upstream), so a
 * newcomer sees it work in one command, with no key and no network. The simulated upstream
 * answers text, calls a tool when tools are offered, returns JSON matching a `json_schema`,
 * thinks (reasoning summaries) for reasoning models, and streams. Settings come from the
 * environment as for `npm start` (PORT, LOG_LEVEL, …), except the upstream and the keys.
 */
import { createApp } from '../src/app.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/http/logging.js';
import { runServer } from '../src/run-server.js';
import { startFakeUpstream } from './fake-upstream/index.js';

const upstream = await startFakeUpstream();
let config: Config;
try {
  config = loadConfig({
    HOST: '127.0.0.1',
    // Summaries for reasoning models, so the demo shows reasoning_content.
    REASONING_SUMMARY: 'auto',
    ...process.env,
    UPSTREAM_BASE_URL: upstream.url,
    UPSTREAM_API_KEY: '',
    ADAPTER_API_KEYS: '',
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
  await upstream.close();
  process.exit(1);
}

const logger = createLogger(config.logLevel);
runServer({
  config,
  logger,
  app: createApp({ config, logger }),
  describe: { demo: true },
  onListening: (port) => console.log(instructions(`http://${config.host === undefined ? 'localhost' : hostForUrl(config.host)}:${port}/v1`)),
  beforeExit: () => upstream.close(),
});

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function instructions(url: string): string {
  const ask = (body: object) => `curl -s ${url}/chat/completions -H 'Content-Type: application/json' \\\n    -d '${JSON.stringify(body)}'`;
  const user = (content: string) => [{ role: 'user', content }];
  const weather = {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  };
  return [
    '',
    `Demo: the adapter is listening on ${url}, answering from a simulated Responses API (no key, no network).`,
    '',
    'A text answer (gpt-5-mini is a reasoning model here: see message.reasoning_content):',
    `  ${ask({ model: 'gpt-5-mini', messages: user('Hello!') })}`,
    'A tool call:',
    `  ${ask({ model: 'gpt-4.1', messages: user('Weather in Paris?'), tools: [weather] })}`,
    'A stream (frames as they come):',
    `  ${ask({ model: 'gpt-4.1', stream: true, messages: user('Count to five.') }).replace('curl -s', 'curl -sN')}`,
    'The official SDK (any key will do; the adapter forwards it, the simulated upstream ignores it):',
    `  ADAPTER_URL=${url} OPENAI_API_KEY=demo npx tsx examples/openai-sdk.ts`,
    `  new OpenAI({ baseURL: '${url}', apiKey: 'demo' })`,
    '',
    'Ctrl-C stops it. One log line per request follows.',
    '',
  ].join('\n');
}
