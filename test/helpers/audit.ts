import { expect } from '@jest/globals';
import type { App } from '../../src/app';
import type { AuditOptions, AuditReport } from '../../src/services/payments/audit.service';
import { waitFor } from './wait-for';

/**
 * Runs the payment audit once nothing is in flight any more (pending payments settled, refunds
 * given back, orders written) and expects exactly the discrepancy kinds `kinds` (none by
 * default), in any order. On a timeout the last report's in-flight payments are named.
 */
export async function expectAudit(
  app: App,
  options: AuditOptions = {},
  kinds: string[] = [],
  timeoutMs = 30_000,
): Promise<AuditReport> {
  let last: AuditReport | undefined;
  const report = await waitFor(
    async () => {
      last = await app.services.audit.run({ graceSeconds: 600, ...options });
      return last.inFlight === 0 ? last : undefined;
    },
    { timeoutMs, what: 'every charge settled' },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last audit: ${JSON.stringify(last)}`);
  });
  expect(report.discrepancies.map((d) => d.kind).sort()).toEqual([...kinds].sort());
  return report;
}

/** `expectAudit` expecting no discrepancy at all. */
export function expectCleanAudit(
  app: App,
  options: AuditOptions = {},
  timeoutMs = 30_000,
): Promise<AuditReport> {
  return expectAudit(app, options, [], timeoutMs);
}
