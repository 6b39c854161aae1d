import type { Page } from 'playwright-core';

/** A CSP as strict as a storefront can have: nothing inline, nothing from elsewhere. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; " +
  "object-src 'none'; frame-ancestors 'none'";

/**
 * Serves the page's HTML documents with STRICT_CSP (whatever headers the app sends) and returns
 * what the browser refused on any document of the page since (expected: nothing).
 *
 * Only for pages that need no websocket: in Chromium a document fulfilled by a route does not
 * open its websockets (seen with and without the policy), so the live stock would never arrive.
 */
export async function withStrictCsp(page: Page): Promise<() => string[]> {
  // Never /graphql: a route on the websocket's URL keeps the socket from opening.
  await page.route(
    (url) => !url.pathname.startsWith('/graphql'),
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.fallback();
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), 'content-security-policy': STRICT_CSP },
      });
    },
  );
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/.test(m.text())) refused.push(m.text());
  });
  return () => refused;
}
