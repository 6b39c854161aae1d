import { expect } from '@jest/globals';
import type { App } from '../../src/app';
import type { AuditOptions, AuditReport } from '../../src/services/payments/audit.service';
import { waitFor } from './wait-for';

/**
 * Runs the payment audit once nothing is in flight any more (pending payments settled, refunds
 * given back, orders written) and expects no discrepancy. Returns the report.
 */
export async function expectCleanAudit(
  app: App,
  options: AuditOptions = {},
  timeoutMs = 30_000,
): Promise<AuditReport> {
  const report = await waitFor(
    async () => {
      const r = await app.services.audit.run({ graceSeconds: 600, ...options });
      return r.inFlight === 0 ? r : undefined;
    },
    { timeoutMs, what: 'every charge settled' },
  );
  expect(report.discrepancies).toEqual([]);
  return report;
}
