import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium package; `bash scripts/browser.sh` installs it when missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Written on every run; the README shows one of them. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, nothing talking to the network on its own (no sync,
 * component updates or QUIC), so pages see only the test's API.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    // Never skipped: a missing browser fails the run with what to do.
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run \`npm run browser\` (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'rocket-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 900, height: 700 },
    chromiumSandbox: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
