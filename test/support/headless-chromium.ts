/**
 * Debian's Chromium, headless, driven by playwright-core: the one way the browser tests launch a
 * browser (browser downloads fail here, so `npx playwright install` is not an option; .ci/run
 * installs the `chromium` package when it is missing).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run: the browser is there, or this is CI (where a missing one is a failure). */
export const canRunChromium = existsSync(CHROMIUM) || process.env.CI !== undefined;

/** Launches headless Chromium with the flags that keep it quiet and self-contained. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
