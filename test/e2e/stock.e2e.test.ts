import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { saleKeys } from '../../src/services/stock.service';
import { dataOf, errorCode, subscribe } from '../helpers/gql-client';
import { createMembers, createProduct, waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import {
  MyOrderPlacedDocument,
  PayDocument,
  PurchaseDocument,
  ReservationByIdDocument,
  StockChangedDocument,
  SyncStockDocument,
} from '../graphql/generated';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    STOCK_FRAME_MS: '100',
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('live stock', () => {
  it('a stockChanged subscriber sees the count fall in coalesced frames and ends on SOLD_OUT', async () => {
    const productId = await createProduct(t.app, { stock: 60 });
    const members = await createMembers(t.app, 60);
    const client = t.ws();
    const sub = subscribe(client, StockChangedDocument, { productId: String(productId) });
    await waitForSubscribers(t.app, `STOCK_CHANGED:${productId}`);
    await Promise.all(
      members.map((m) =>
        t.gql(
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: 'once' } },
          m.token,
        ),
      ),
    );
    const last = await waitFor(
      () => sub.events.at(-1)?.data?.stockChanged.soldOut && sub.events.at(-1)?.data?.stockChanged,
      { what: 'the SOLD_OUT frame' },
    );
    expect(last).toEqual({
      productId: String(productId),
      remaining: 0,
      saleState: 'SOLD_OUT',
      soldOut: true,
    });
    const counts = sub.events.map((e) => e.data!.stockChanged.remaining);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.length).toBeLessThan(60); // coalesced, not one frame per purchase
    sub.dispose();
    await client.dispose();
  });

  it('a member’s orderStatusChanged sees PLACED for their own order and never someone else’s', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [alice, bob] = await createMembers(t.app, 2);
    const clients = [t.ws(alice.token), t.ws(bob.token)];
    const subs = clients.map((c) => subscribe(c, MyOrderPlacedDocument));
    await waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${alice.id}`);
    await waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${bob.id}`);
    const orderIds: string[] = [];
    for (const m of [alice, bob]) {
      const r = dataOf(
        await t.gql(
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: 'o' } },
          m.token,
        ),
      ).purchase;
      if (r.__typename !== 'Reservation') throw new Error('not reserved');
      expect(
        dataOf(await t.gql(PayDocument, { input: { reservationId: r.id } }, m.token)).pay
          .__typename,
      ).toBe('Payment');
      const written = await waitFor(
        async () =>
          dataOf(await t.gql(ReservationByIdDocument, { id: r.id }, m.token)).reservation.orderId ??
          undefined,
        {
          timeoutMs: 20_000,
          what: 'the order',
        },
      );
      orderIds.push(String(written));
    }
    for (const [i, sub] of subs.entries()) {
      const event = await waitFor(() => sub.events[0], { what: 'PLACED' });
      expect(event.data?.orderStatusChanged).toMatchObject({
        orderId: orderIds[i],
        from: null,
        to: 'PLACED',
      });
    }
    // Each saw exactly their own order.
    expect(subs[0].events.map((e) => e.data?.orderStatusChanged.orderId)).toEqual([orderIds[0]]);
    expect(subs[1].events.map((e) => e.data?.orderStatusChanged.orderId)).toEqual([orderIds[1]]);
    subs.forEach((s) => s.dispose());
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('syncStock rebuilds a counter from MySQL and live holds; admins only', async () => {
    const productId = await createProduct(t.app, { stock: 10 });
    const [member] = await createMembers(t.app, 1);
    const [admin] = await createMembers(t.app, 1, Role.ADMIN);
    const r = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 3, idempotencyKey: 's' } },
        member.token,
      ),
    ).purchase;
    expect(r.__typename).toBe('Reservation');
    await t.app.services.redis.set(saleKeys(productId).stock, 999); // drifted
    expect(
      errorCode(
        await t.gql(SyncStockDocument, { input: { productId: String(productId) } }, member.token),
      ),
    ).toBe('FORBIDDEN');
    const synced = dataOf(
      await t.gql(SyncStockDocument, { input: { productId: String(productId) } }, admin.token),
    ).syncStock;
    expect(synced).toEqual({
      productId: String(productId),
      remaining: 7,
      saleState: 'LIVE',
      soldOut: false,
    });
    expect(
      errorCode(await t.gql(SyncStockDocument, { input: { productId: '424242' } }, admin.token)),
    ).toBe('NOT_FOUND');
  });
});
