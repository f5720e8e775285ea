/**
 * Makes docs/replay-report.png: a real replay of examples/corpus/requests.jsonl against the two
 * fakes (answers from test/migration/example-corpus-scenarios.ts, with their latencies), the
 * report opened in headless Chromium, the top of the page captured.
 *
 *   npx tsx scripts/report-screenshot.ts [out-dir]   (default: a temporary folder)
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../src/cli.js';
import { findChromium, launchChromium, missingChromiumMessage } from '../test/migration/browser.js';
import { exampleCorpusScenarios } from '../test/migration/example-corpus-scenarios.js';
import { startReplayFakes } from '../test/migration/replay-fakes.js';

const outDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'replay-example-')));
const fakes = await startReplayFakes(exampleCorpusScenarios);
let code: number;
try {
  code = await runCli(
    ['replay', 'examples/corpus/requests.jsonl', '--chat-url', fakes.chatUrl, '--responses-url', fakes.responsesUrl, '--out', outDir],
    { stdout: process.stdout, stderr: process.stderr, env: { ...process.env, CHAT_API_KEY: 'sk-example-chat', RESPONSES_API_KEY: 'sk-example-responses' } },
  );
} finally {
  await fakes.close();
}
if (code !== 0) throw new Error(`replay exited with ${code}`);

const chromium = findChromium();
if (chromium === undefined) throw new Error(missingChromiumMessage);
const open = await launchChromium(chromium);
try {
  const page = await open.browser.newPage();
  await page.setViewport({ width: 1200, height: 1600, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(resolve(outDir, 'report.html')).href, { waitUntil: 'load' });
  const target = resolve('docs/replay-report.png');
  await page.screenshot({ path: target, fullPage: false });
  console.log(`Wrote ${target} from ${outDir}`);
} finally {
  await open.close();
}
