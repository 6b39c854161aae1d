import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOT_DIR } from './browser';

const ROOT = join(__dirname, '..', '..', '..');

/** Builds dist/web (storefront and widget) as `npm run build` does; the app serves it. */
export function buildWeb(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.js')], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

/** Writes docs/screenshots/<name>.png of the page, or of one element of it. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Finished animations: a message fading in would be caught half transparent.
  const options = { path, animations: 'disabled' as const };
  if (selector) await page.locator(selector).screenshot(options);
  else await page.screenshot(options);
}

/** The http origin of a test app's GraphQL URL. */
export const originOf = (graphqlUrl: string) => new URL(graphqlUrl).origin;
