import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { Role } from '../entities/user.entity';
import { BadUserInputError } from '../errors';
import {
  PaymentAuditArgs,
  PaymentAuditReport,
  PaymentDiscrepancy,
} from '../schema/payment-audit.types';
import type { PaymentAuditService } from '../services/payments/audit.service';

@Resolver()
export class PaymentAuditResolver {
  constructor(private readonly audit: PaymentAuditService) {}

  @Authorized(Role.ADMIN)
  @Query(() => PaymentAuditReport, {
    description:
      'Admins: reconciles the provider’s charges and refunds with payments, orders and live units and lists the discrepancies.',
  })
  async paymentAudit(
    @Args() { graceSeconds, stuckSeconds, first }: PaymentAuditArgs,
  ): Promise<PaymentAuditReport> {
    if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 86_400)
      throw new BadUserInputError('graceSeconds must be 0 to 86400', 'graceSeconds');
    if (stuckSeconds != null && (!Number.isSafeInteger(stuckSeconds) || stuckSeconds < 1))
      throw new BadUserInputError('stuckSeconds must be at least 1', 'stuckSeconds');
    if (!Number.isSafeInteger(first) || first < 1 || first > 300)
      throw new BadUserInputError('first must be 1 to 300', 'first');
    // The service reads the tables a page at a time; the answer lists the first `first`.
    const report = await this.audit.run({ graceSeconds, stuckSeconds: stuckSeconds ?? undefined });
    return Object.assign(new PaymentAuditReport(), report, {
      discrepancyCount: report.discrepancies.length,
      discrepancies: report.discrepancies
        .slice(0, first)
        .map((d) => Object.assign(new PaymentDiscrepancy(), d)),
    });
  }
}
