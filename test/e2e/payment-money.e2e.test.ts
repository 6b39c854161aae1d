import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { PaymentStatus } from '../../src/entities/payment.entity';
import { MAX_PRICE } from '../../src/schema/money.scalar';
import { PaymentRecords, type PaymentRow } from '../../src/services/payments/records';
import { StockService } from '../../src/services/sale/stock.service';
import {
  CreateProductDocument,
  PayDocument,
  PurchaseDocument,
  UpdateProductDocument,
} from '../graphql/generated';
import { expectCleanAudit } from '../helpers/audit';
import { dataOf, errorCode } from '../helpers/gql-client';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { createMember } from '../helpers/members';
import { createMembers, createProduct } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// Money as a type of its own: totals past 32 bits, a maximum price, and one bad amount in a group
// commit failing only its own pay.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, { PAYMENT_LATENCY_MS: '0', PAYMENT_DECLINE_RATE: '0' });
});
afterAll(async () => {
  await t?.stop();
});

describe('money', () => {
  it('a purchase whose total passes 2^31 is held, paid and ordered for its exact amount', async () => {
    const productId = await createProduct(t.app, { stock: 1000, price: MAX_PRICE });
    const [member] = await createMembers(t.app, 1);
    const total = MAX_PRICE * 1000; // 10^11 minor units
    const held = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 1000, idempotencyKey: randomUUID() } },
        member.token,
      ),
    ).purchase;
    expect(held).toMatchObject({ __typename: 'Reservation', totalAmount: total });
    if (held.__typename !== 'Reservation') throw new Error(held.__typename);
    const paid = dataOf(
      await t.gql(PayDocument, { input: { reservationId: held.id } }, member.token),
    ).pay;
    expect(paid).toMatchObject({ __typename: 'Payment', amount: total });
    if (paid.__typename !== 'Payment') throw new Error(paid.__typename);
    const [order] = await waitFor(
      async () => {
        const rows = await t.app.orm.em
          .getConnection()
          .execute<{ total_amount: number }[]>(
            'select total_amount from orders where payment_id = ?',
            [paid.id],
          );
        return rows.length ? rows : undefined;
      },
      { what: 'the order', timeoutMs: 30_000 },
    );
    expect(Number(order.total_amount)).toBe(total);
    expect((await t.app.services.paymentProvider.charges()).get(paid.id)).toBe(total);
    await expectOrdersMatchPayments(t.app);
    await expectStockSettled(t.app, productId, 1000);
    await expectCleanAudit(t.app, { paymentIds: [paid.id] });
  });

  it('a price above the maximum is refused as BAD_USER_INPUT', async () => {
    const admin = await createMember(t.app, Role.ADMIN);
    const input = { name: 'Too dear', price: MAX_PRICE + 1, stock: 1 };
    expect(errorCode(await t.gql(CreateProductDocument, { input }, admin.token))).toBe(
      'BAD_USER_INPUT',
    );
    const ok = dataOf(
      await t.gql(CreateProductDocument, { input: { ...input, price: MAX_PRICE } }, admin.token),
    ).createProduct;
    expect(ok.product.price).toBe(MAX_PRICE);
  });

  it('one out-of-range amount in a group commit fails only its own payment', async () => {
    const productId = await createProduct(t.app, { stock: 10, price: 500 });
    const members = await createMembers(t.app, 3);
    const rows: PaymentRow[] = members.map((m, i) => ({
      id: randomUUID(),
      reservation_id: `${productId}.money-test-${i}xxxxx`,
      user_id: m.id,
      amount: i === 1 ? -1 : 500,
      items: [{ productId, quantity: 1, unitPrice: 500 }],
      status: PaymentStatus.PENDING,
      created_at: new Date(),
      paid_at: null,
    }));
    const later = new Date(Date.now() + 600_000);
    const records = new PaymentRecords(t.app.orm.em, t.app.services.paymentEvents, t.app.logger);
    // Submitted in one tick: one multi-row INSERT.
    const results = await Promise.allSettled(rows.map((r) => records.recordPending(r, later)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const written = await t.app.orm.em.getConnection().execute<{ id: string }[]>(
      `select id from payments where id in (?, ?, ?)`,
      rows.map((r) => r.id),
    );
    expect(written.map((w) => w.id).sort()).toEqual([rows[0].id, rows[2].id].sort());
    // Nothing was charged: the rows close VOID.
    for (const r of [rows[0], rows[2]]) await records.settle(r.id, PaymentStatus.VOID);
    await expectCleanAudit(t.app, { paymentIds: rows.map((r) => r.id) });
  });

  it('a product update during a sale-metadata load does not leave the old window or price cached', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 400 });
    const admin = await createMember(t.app, Role.ADMIN);
    const [member] = await createMembers(t.app, 1);
    // Hold a load between its read of the product and its write of the metadata.
    const store = t.app.services.saleStore;
    const cache = store.cacheSaleMeta.bind(store);
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    store.cacheSaleMeta = async (...args: Parameters<typeof cache>) => {
      entered();
      await gate;
      return cache(...args);
    };
    const load = t.app.services.stock.ensureSaleMeta(t.app.orm.em, productId);
    await inside;
    store.cacheSaleMeta = cache;
    // The admin ends the sale (and changes the price) while the old product is being cached.
    dataOf(
      await t.gql(
        UpdateProductDocument,
        {
          input: {
            productId: String(productId),
            saleEndsAt: new Date(Date.now() - 1000).toISOString(),
            price: 500,
          },
        },
        admin.token,
      ),
    );
    release();
    await load;
    const late = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: randomUUID() } },
        member.token,
      ),
    ).purchase;
    expect(late.__typename).toBe('SaleNotActiveError');
    await expectStockSettled(t.app, productId, 5);
  });

  it('a product update on one instance during a sale-metadata load on another does not leave the old window cached', async () => {
    const productId = await createProduct(t.app, { stock: 5, price: 400 });
    const admin = await createMember(t.app, Role.ADMIN);
    const [member] = await createMembers(t.app, 1);
    // Instance B (its own stock service on the same Redis) loads the metadata; its load is held
    // between its read of the product and its write of the metadata.
    const store = t.app.services.saleStore;
    const b = new StockService(store);
    const cache = store.cacheSaleMeta.bind(store);
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inside = new Promise<void>((r) => (entered = r));
    let held = false;
    store.cacheSaleMeta = async (...args: Parameters<typeof cache>) => {
      if (!held) {
        held = true;
        entered();
        await gate;
      }
      return cache(...args);
    };
    try {
      const load = b.ensureSaleMeta(t.app.orm.em, productId);
      await inside;
      // Instance A (the app) ends the sale while B is caching the old product.
      dataOf(
        await t.gql(
          UpdateProductDocument,
          {
            input: {
              productId: String(productId),
              saleEndsAt: new Date(Date.now() - 1000).toISOString(),
            },
          },
          admin.token,
        ),
      );
      release();
      await load;
    } finally {
      store.cacheSaleMeta = cache;
      b.stop();
    }
    // At once, not after a later drop: the old window is not what the next purchase reads.
    const late = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), idempotencyKey: randomUUID() } },
        member.token,
      ),
    ).purchase;
    expect(late.__typename).toBe('SaleNotActiveError');
    await expectStockSettled(t.app, productId, 5);
  });
});
