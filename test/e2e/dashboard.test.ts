/**
 * The local edge's dashboard end to end in a real headless Chromium (Debian's `chromium`, driven
 * by playwright-core): the page loads from the control port, its numbers move while traffic
 * flows, and a fault switch on the page changes the replica's fault (seen by the control API and
 * shown back on the page). Waits are for conditions, never for fixed times.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEdge, startLocalEdge } from '../../scripts/local-edge/start-local-edge.ts';
import { viewerRequest } from '../../scripts/local-edge/viewer-client.ts';
import { canRunChromium, launchChromium } from '../support/headless-chromium.ts';

const WAIT = { timeout: 20_000, interval: 100 };

describe.skipIf(!canRunChromium)('the local edge dashboard in headless Chromium', () => {
  let edge: LocalEdge;
  let browser: Browser;
  let page: Page;
  let traffic = true;
  let sent = 0;
  let trafficDone: Promise<void>;

  beforeAll(async () => {
    edge = await startLocalEdge({
      config: { decisionLogSampleRate: 1, metrics: { flushIntervalMs: 200 }, cache: { ttlMs: 50 } },
      echoFunctionOutput: false,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Steady traffic in two edge regions until the tests end: bounded by the flag, the loop stops itself.
    trafficDone = (async () => {
      while (traffic && sent < 20_000) {
        await Promise.all([
          viewerRequest(edge.url, { host: 'shop.acme.com' }),
          viewerRequest(edge.url, { host: 'globex.app.example.com', edgeRegion: 'eu-west-1' }),
        ]);
        sent += 2;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  }, 60_000);

  afterAll(async () => {
    traffic = false;
    await trafficDone;
    await browser?.close();
    await edge?.stop();
  });

  const textOf = (testId: string) => page.getByTestId(testId).textContent();

  it('loads from the control port and goes live', async () => {
    const response = await page.goto(`${edge.controlUrl}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect.poll(() => page.locator('#live').textContent(), WAIT).toMatch(/^live/);
  });

  it('shows numbers that move under traffic, per edge region', async () => {
    await page.getByTestId('region-us-east-1-requests').waitFor(WAIT);
    const before = Number(await textOf('region-us-east-1-requests'));
    await expect
      .poll(async () => Number(await textOf('region-us-east-1-requests')), WAIT)
      .toBeGreaterThan(before);
    await expect.poll(async () => Number(await textOf('region-eu-west-1-rps')), WAIT).toBeGreaterThan(0);
    // From the function's own EMF metrics: a hit ratio and lookup percentiles appear.
    await expect.poll(() => textOf('region-us-east-1-hit-ratio'), WAIT).toMatch(/^\d+\.\d %$/);
    await expect.poll(async () => Number(await textOf('region-us-east-1-p99')), WAIT).toBeGreaterThan(0);
    expect(await textOf('region-us-east-1-status')).toMatch(/^200: \d+/);
    expect(await page.locator('#decisions tr').count()).toBeGreaterThan(0);
  });

  it('switches a replica fault from the page', async () => {
    expect(await textOf('replica-eu-west-1-mode')).toBe('normal');
    await page.getByTestId('fault-eu-west-1-error-500').click();
    await expect.poll(() => textOf('replica-eu-west-1-mode'), WAIT).toBe('error-500');
    expect(edge.replicas['eu-west-1']?.fault).toEqual({ mode: 'error-500' });
    expect(await textOf('replica-eu-west-1-health')).toBe('faulted');
    if (process.env.DASHBOARD_SCREENSHOT !== undefined)
      await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });

    await page.getByTestId('fault-eu-west-1-normal').click();
    await expect.poll(() => textOf('replica-eu-west-1-mode'), WAIT).toBe('normal');
    expect(edge.replicas['eu-west-1']?.fault).toEqual({ mode: 'normal' });
  });
});
