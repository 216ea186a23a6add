/**
 * The load test's HTML report in a real headless Chromium (Debian's, see test/support): every
 * chart is drawn by the inlined uPlot with no script error, and nothing makes the page scroll
 * sideways, on a wide screen or a narrow one. LOADTEST_REPORT_SCREENSHOT=FILE keeps a screenshot
 * to look at.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRunReport } from '../../scripts/loadtest/html-report.ts';
import { LoadCollector, type RequestOutcome } from '../../scripts/loadtest/load-collector.ts';
import type { LoadTestResult } from '../../scripts/loadtest/load-result.ts';
import { canRunChromium, launchChromium } from '../support/headless-chromium.ts';
import { aLoadTestSettings } from '../support/load-results.ts';

/** A run over three edge regions and the three host kinds, with some failures. */
function aRun(): LoadTestResult {
  const collector = new LoadCollector();
  const regions = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
  const kinds = ['custom', 'platform', 'wildcard'] as const;
  for (let i = 0; i < 3_000; i++) {
    const edgeRegion = regions[i % 3] as string;
    const far = edgeRegion === 'ap-northeast-1';
    const cached = i > 300 && i % 7 !== 0;
    const outcome: RequestOutcome =
      far && !cached
        ? { status: 503, routerMs: 750, edgeRegion, viewerCache: 'uncached', hostKind: kinds[i % 3] }
        : i % 997 === 0
          ? { error: 'timeout', edgeRegion, viewerCache: 'uncached', hostKind: kinds[i % 3] }
          : {
              status: 200,
              region: 'us-east-1',
              routerMs: cached ? 0.05 : 9 + (i % 40),
              edgeRegion,
              viewerCache: cached ? 'cached' : 'uncached',
              hostKind: kinds[i % 3],
            };
    collector.record(cached ? 2 + (i % 5) : 12 + (i % 90), i * 10, outcome);
  }
  const result = collector.result({
    settings: aLoadTestSettings({
      target: 'local edge http://127.0.0.1:8080',
      ratePerSecond: 100,
      durationMs: 30_000,
      hostsKind: 'mixed',
      hosts: 1000,
    }),
    startedAt: '2026-12-01T12:00:00.000Z',
    scheduled: 3_000,
    measuredWallMs: 30_000,
    dynamoReads: 812,
    dynamoReadsByEdgeRegion: { 'us-east-1': 300, 'eu-west-1': 290, 'ap-northeast-1': 222 },
  });
  return {
    ...result,
    environment: {
      command: `npm run loadtest -- --edge-regions us-east-1,eu-west-1,ap-northeast-1 --hosts-kind mixed --rate 100 --duration 30 --tenants 1000 --html ${'report/'.repeat(20)}report.html`,
      cpu: 'AMD EPYC',
      cores: 2,
      loadAverage: 1.2,
      node: 'v20.20.2',
      platform: 'linux',
      version: '0.1.0 (abc1234)',
    },
  };
}

describe.skipIf(!canRunChromium)('the load test report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'lt-report-'));
    file = join(dir, 'report.html');
    await writeFile(file, renderRunReport(aRun()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it.each([1280, 760])('draws every chart and fits a %i px wide window', async (width) => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) problems.push(`fetched ${request.url()}`);
    });
    await page.goto(`file://${file}`);
    // Strings, not functions: they run in the page, and this project's types have no DOM.
    await page.waitForFunction('document.body.dataset.charts !== undefined', null, { timeout: 20_000 });

    expect(problems).toEqual([]);
    expect(await page.evaluate('document.body.dataset.charts')).toBe('5');
    expect(await page.locator('.chart canvas').count()).toBe(5);
    const overflow = await page.evaluate(`({
      page: document.documentElement.scrollWidth - window.innerWidth,
      wider: [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => e.tagName),
    })`);
    expect(overflow).toEqual({ page: 0, wider: [] });
    expect(await page.locator('.verdict.fail').textContent()).toMatch(/^FAILED: /);
    expect(await page.locator('table').filter({ hasText: 'edge region' }).locator('tr').count()).toBe(4);
    const shot = process.env.LOADTEST_REPORT_SCREENSHOT;
    if (shot !== undefined)
      await page.screenshot({ path: shot.replace(/(\.png)?$/, `-${width}.png`), fullPage: true });
    await page.close();
  });
});
