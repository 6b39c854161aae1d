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
      'Admins: reconciles the provider’s charges and refunds with payments and orders and lists every discrepancy.',
  })
  async paymentAudit(@Args() { graceSeconds }: PaymentAuditArgs): Promise<PaymentAuditReport> {
    if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 86_400)
      throw new BadUserInputError('graceSeconds must be 0 to 86400', 'graceSeconds');
    const report = await this.audit.run({ graceSeconds });
    return Object.assign(new PaymentAuditReport(), report, {
      discrepancies: report.discrepancies.map((d) => Object.assign(new PaymentDiscrepancy(), d)),
    });
  }
}
