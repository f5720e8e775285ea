/**
 * The HTML report as a person sees it: opened from disk in real headless Chromium, with no network.
 * Fails (never skips) when no Chromium is installed, saying how to get one.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { findChromium, launchChromium, missingChromiumMessage, type OpenBrowser } from './browser.js';
import { runPlantedReplay, startPlantedFakes } from './planted-corpus.js';

const outputDirectory = resolve('test/migration/output');
const chromium = findChromium();

let open: OpenBrowser | undefined;
let page: Page;
const consoleErrors: string[] = [];
const requestedUrls: string[] = [];

beforeAll(async () => {
  if (chromium === undefined) return;
  const fakes = await startPlantedFakes();
  let reportFile: string;
  try {
    const run = await runPlantedReplay(fakes);
    reportFile = join(run.outDir, 'report.html');
  } finally {
    await fakes.close();
  }
  open = await launchChromium(chromium);
  page = await open.browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('request', (request) => requestedUrls.push(request.url()));
  await page.setViewport({ width: 1200, height: 1400 });
  await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
}, 60_000);

afterAll(async () => {
  await open?.close();
});

describe('report.html in headless Chromium', () => {
  it('has a Chromium to run in', () => {
    expect(chromium, missingChromiumMessage).toBeDefined();
  });

  it('loads with no console errors and no request beyond the file itself', () => {
    expect(open, missingChromiumMessage).toBeDefined();
    expect(consoleErrors).toEqual([]);
    expect(requestedUrls.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });

  it('shows the verdict with its numbers', async () => {
    expect(open, missingChromiumMessage).toBeDefined();
    expect(await page.$eval('#verdict .headline', (element) => element.textContent)).toBe('Not ready: 6.7% errors');
    expect(await page.$eval('#verdict', (element) => element.className)).toBe('verdict not_ready');
    expect(await page.$eval('#verdict .detail', (element) => element.textContent)).toBe(
      '1 of 15 requests failed on the Responses path while Chat Completions answered them.',
    );
  });

  it('draws the charts: feature bars, box plots and histograms with real shapes', async () => {
    expect(open, missingChromiumMessage).toBeDefined();
    const charts = await page.$$eval('svg', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const rects = [...svg.querySelectorAll('rect')].filter((rect) => rect.getBBox().width > 0 && rect.getBBox().height > 0).length;
        const paths = [...svg.querySelectorAll('path')].filter((path) => (path.getAttribute('d') ?? '').length > 3 && path.getTotalLength() > 0).length;
        return { label: svg.getAttribute('aria-label'), width: box.width, height: box.height, rects, paths, dots: svg.querySelectorAll('circle').length };
      }),
    );
    expect(charts.map((chart) => chart.label)).toEqual([
      'Divergence by feature',
      'Latency per request',
      'Completion tokens',
      'Prompt tokens',
      'Content similarity',
    ]);
    for (const chart of charts) {
      expect(chart.width).toBeGreaterThan(200);
      expect(chart.height).toBeGreaterThan(50);
      expect(chart.rects + chart.paths).toBeGreaterThan(2);
    }
    const [features, latency, completion] = charts;
    expect(features?.rects).toBe(12); // a track and a fill for each of the six features
    expect(latency?.dots).toBe(30); // one dot per request and path
    expect(completion?.rects).toBeGreaterThanOrEqual(2); // at least one bar for each path
  });

  it('lists the worst cases, collapsible, with both answers side by side; readable without script', async () => {
    expect(open, missingChromiumMessage).toBeDefined();
    const cases = await page.$$eval('details.case', (blocks) =>
      blocks.map((block) => ({ id: block.querySelector('.case-id')?.textContent, open: block.hasAttribute('open') })),
    );
    expect(cases.map((found) => found.id)).toEqual(['cap-error', 'line 4', 'line 5', 'line 10', 'line 11', 'line 2', 'line 15']);
    expect(cases.map((found) => found.open)).toEqual([true, false, false, false, false, false, false]);
    const panels = await page.$$eval('details.case[open] .answer h4', (titles) => titles.map((title) => title.textContent));
    expect(panels).toEqual(['Chat Completions answer', 'Responses answer (through the adapter)']);
    await page.click('.tools button[data-open="true"]');
    expect(await page.$$eval('details.case', (blocks) => blocks.every((block) => block.hasAttribute('open')))).toBe(true);
    await mkdir(outputDirectory, { recursive: true });
    await page.screenshot({ path: join(outputDirectory, 'replay-report.png'), fullPage: true });
  });
});
