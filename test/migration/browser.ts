/**
 * Real headless Chromium for looking at reports: Debian's `chromium` package (or CHROMIUM_PATH),
 * driven by puppeteer-core, with a fresh profile each time and no network chatter of its own.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The browser's path, or undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH;
  if (configured) return existsSync(configured) ? configured : undefined;
  return candidates.find((path) => existsSync(path));
}

export const missingChromiumMessage =
  'No Chromium found (looked at CHROMIUM_PATH and ' +
  `${candidates.join(', ')}). Install it with \`apt-get install -y chromium\` (.ci/run does) to run the report's browser test.`;

export interface OpenBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(executablePath: string): Promise<OpenBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'replay-report-chromium-'));
  const browser = await puppeteer.launch({
    executablePath,
    // puppeteer adds --headless itself for `headless: true`.
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
