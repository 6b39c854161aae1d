import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createOrm } from '../clients/orm';
import { createRedis } from '../clients/redis';
import { loadConfig } from '../config';
import { PaymentAuditService } from '../services/payments/audit.service';
import { SimulatedPaymentProvider } from '../services/payments/provider';
import { SaleStore } from '../services/sale/sale-store';

const USAGE = `usage: npm run audit:payments -- [--grace-seconds 120] [--stuck-seconds 900] [--json]
  Reconciles the payment provider's charges and refunds with the payments rows, the orders and
  the live units in Redis, a page of rows at a time, and lists every discrepancy: a charge with
  neither order nor refund, a refund whose order still stands, two kept charges for one
  reservation, an order without a charge, amounts that disagree, a payment pending or a refund
  owed past the stuck threshold, a buyer told "paid" then refunded without an order, and live
  units that differ from MySQL stock. Exits 1 if there is any.`;

/** Operator command: the payment audit, as text (or JSON) on stdout. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'grace-seconds': { type: 'string', default: '120' },
      'stuck-seconds': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const graceSeconds = Number(values['grace-seconds']);
  const stuck = values['stuck-seconds'];
  const stuckSeconds = stuck === undefined ? undefined : Number(stuck);
  if (
    !Number.isSafeInteger(graceSeconds) ||
    graceSeconds < 0 ||
    (stuckSeconds !== undefined && (!Number.isSafeInteger(stuckSeconds) || stuckSeconds < 1))
  ) {
    console.log(USAGE);
    return 2;
  }
  const config = loadConfig();
  const orm = await createOrm(config.mysql);
  const redis = createRedis(config.redis);
  try {
    await redis.connect();
    const provider = new SimulatedPaymentProvider({ declineRate: 0, latencyMs: 0 }, redis);
    const store = new SaleStore(redis, config.redis.keyPrefix);
    const report = await new PaymentAuditService(orm.em, provider, store, {
      stuckSeconds: config.payment.auditStuckSeconds,
    }).run({ graceSeconds, stuckSeconds });
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(
        `charges ${report.charges}, refunds ${report.refunds}, payments ${report.payments}, orders ${report.orders}, products ${report.products}, in flight ${report.inFlight}`,
      );
      for (const d of report.discrepancies)
        console.log(
          `${d.kind} payment=${d.paymentId ?? '-'} reservation=${d.reservationId ?? '-'} order=${d.orderId ?? '-'} product=${d.productId ?? '-'}: ${d.detail}`,
        );
      console.log(`${report.discrepancies.length} discrepancies`);
    }
    return report.discrepancies.length ? 1 : 0;
  } finally {
    redis.disconnect();
    await orm.close(true);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
