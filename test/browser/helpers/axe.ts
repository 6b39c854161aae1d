/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(
  join(__dirname, '..', '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

/** The rules of WCAG 2.1 levels A and AA (axe-core's tags). */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page as it is now (shadow roots included) and fails with every WCAG 2.1 AA
 * violation, rule by rule with the elements concerned. The script is injected through the
 * protocol, not a <script> tag, so the page's CSP does not stop it.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // A message fading in would be judged on its half-transparent colours: the page is checked (and
  // left) as a member who asked for reduced motion sees it, and running animations are finished,
  // so one that starts while axe runs cannot catch it mid-fade.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.evaluate(() => document.getAnimations().forEach((a) => a.finish()));
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, { runOnly: { type: 'tag', values: tags } })) as {
      violations: Violation[];
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, WCAG_21_AA);
  if (violations.length) {
    const text = violations
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help}\n` +
          v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n'),
      )
      .join('\n');
    throw new Error(`${what}: ${violations.length} WCAG 2.1 AA violation(s)\n${text}`);
  }
}
