import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '../../src/entities/user.entity';
import { dataOf, errorCode, subscribe, subscribeErrorCode } from '../helpers/gql-client';
import {
  buyAndPay,
  createMembers,
  createProduct,
  waitForSubscribers,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { expectCleanAudit } from '../helpers/audit';
import {
  MyOrderPlacedDocument,
  PurchaseDocument,
  RestockProductDocument,
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
  it('a stockChanged subscriber sees the count fall in coalesced frames and ends on ALL_IN_CARTS while the units are held', async () => {
    const productId = await createProduct(t.app, { stock: 60 });
    const members = await createMembers(t.app, 60);
    const client = t.ws();
    const sub = subscribe(client, StockChangedDocument, { productId: String(productId) });
    await waitForSubscribers(t.app, `STOCK_CHANGED:${productId}`);
    // The snapshot follows the channel subscription: buying starts once it is in.
    await waitFor(() => sub.events.length > 0, { what: 'the subscribe-time frame' });
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
      { what: 'the last frame' },
    );
    expect(last).toMatchObject({
      productId: String(productId),
      remaining: 0,
      saleState: 'ALL_IN_CARTS',
      soldOut: true,
    });
    // The first frame is the value at subscribe time.
    expect(sub.events[0].data?.stockChanged.remaining).toBe(60);
    const counts = sub.events.map((e) => e.data!.stockChanged.remaining);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts.length).toBeLessThan(60); // coalesced, not one frame per purchase
    const versions = sub.events.map((e) => e.data!.stockChanged.version);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]);
    sub.dispose();
    await client.dispose();
  });

  it('a new subscriber gets the current value at once, and versions only grow', async () => {
    const productId = await createProduct(t.app, { stock: 5 });
    const [buyer] = await createMembers(t.app, 1);
    const client = t.ws();
    const first = subscribe(client, StockChangedDocument, { productId: String(productId) });
    const initial = await waitFor(() => first.events[0]?.data?.stockChanged, {
      what: 'the current value',
    });
    expect(initial).toMatchObject({ remaining: 5, saleState: 'LIVE', soldOut: false });
    expect(initial.version).toBeGreaterThan(0);
    dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 2, idempotencyKey: 'v' } },
        buyer.token,
      ),
    );
    const changed = await waitFor(
      () => first.events.find((e) => e.data?.stockChanged.remaining === 3)?.data?.stockChanged,
      { what: 'the frame with 3 remaining' },
    );
    expect(changed.version).toBeGreaterThan(initial.version);
    // A later subscriber starts from the same frame, with the same version, without a query.
    const later = subscribe(client, StockChangedDocument, { productId: String(productId) });
    const current = await waitFor(() => later.events[0]?.data?.stockChanged, {
      what: 'the current value for a later subscriber',
    });
    expect(current).toEqual(changed);
    first.dispose();
    later.dispose();
    await client.dispose();
  });

  it('stockChanged of an unknown or deleted product is NOT_FOUND at subscribe time', async () => {
    const deleted = await createProduct(t.app, { stock: 5 });
    await t.app.orm.em
      .getConnection()
      .execute('update products set deleted_at = now(3) where id = ?', [deleted]);
    const client = t.ws();
    for (const productId of ['424242', String(deleted)]) {
      const sub = subscribe(client, StockChangedDocument, { productId });
      const code = await waitFor(() => subscribeErrorCode(sub), { what: 'the refusal' });
      expect(code).toBe('NOT_FOUND');
      expect(sub.events.filter((e) => e.data)).toEqual([]);
    }
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
      const { reservation: r } = await buyAndPay(t, m, productId);
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
    await t.app.services.saleStore.overwriteRemaining(productId, 999); // drifted
    expect(
      errorCode(
        await t.gql(SyncStockDocument, { input: { productId: String(productId) } }, member.token),
      ),
    ).toBe('FORBIDDEN');
    const synced = dataOf(
      await t.gql(SyncStockDocument, { input: { productId: String(productId) } }, admin.token),
    ).syncStock;
    expect(synced).toMatchObject({
      productId: String(productId),
      remaining: 7,
      saleState: 'LIVE',
      soldOut: false,
    });
    expect(
      errorCode(await t.gql(SyncStockDocument, { input: { productId: '424242' } }, admin.token)),
    ).toBe('NOT_FOUND');
  });

  it('syncStock racing a restock that removes units waits for it and counts the removal once', async () => {
    const productId = await createProduct(t.app, { stock: 10 });
    const [member] = await createMembers(t.app, 1);
    const [admin] = await createMembers(t.app, 1, Role.ADMIN);
    const store = t.app.services.saleStore;
    const held = dataOf(
      await t.gql(
        PurchaseDocument,
        { input: { productId: String(productId), quantity: 2, idempotencyKey: 'r' } },
        member.token,
      ),
    ).purchase;
    expect(held.__typename).toBe('Reservation');
    expect(await store.remaining(productId)).toBe(8);

    // The product row is locked, so the restock's MySQL write waits after its counter change.
    const conn = t.app.orm.em.getConnection();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked = false;
    const lockHolder = t.app.orm.em.fork().transactional(async (tem) => {
      await tem.execute('select id from products where id = ? for update', [productId]);
      locked = true;
      await gate;
    });
    await waitFor(() => locked, { what: 'the product row locked' });
    try {
      await raceSyncAgainstRestock();
    } finally {
      release();
      await lockHolder;
    }
    async function raceSyncAgainstRestock() {
      const restock = t.gql(
        RestockProductDocument,
        { input: { productId: String(productId), quantity: -3 } },
        admin.token,
      );
      await waitFor(
        async () =>
          (
            await conn.execute<{ id: number }[]>(
              `select id from information_schema.processlist
             where db = ? and info like 'update products set stock = stock + %'`,
              [t.config.mysql.dbName],
            )
          ).length > 0,
        { what: 'the restock’s MySQL write waiting for the row' },
      );
      // The window: the counter has the removal, MySQL does not yet.
      expect(await store.remaining(productId)).toBe(5);
      const [before] = await conn.execute<{ stock: number }[]>(
        'select stock from products where id = ?',
        [productId],
      );
      expect(Number(before.stock)).toBe(10);

      let synced = false;
      const sync = t
        .gql(SyncStockDocument, { input: { productId: String(productId) } }, admin.token)
        .finally(() => (synced = true));
      // A sync from this snapshot (10 − 2 held = 8) would undo the removal once MySQL has it: the
      // sync waits for the restock instead.
      await new Promise((r) => setTimeout(r, 600));
      expect(synced).toBe(false);
      release();
      await lockHolder;
      expect(dataOf(await restock).restockProduct.product.id).toBe(String(productId));
      expect(dataOf(await sync).syncStock).toMatchObject({ remaining: 5, soldOut: false });
    }

    const [after] = await conn.execute<{ stock: number }[]>(
      'select stock from products where id = ?',
      [productId],
    );
    expect(Number(after.stock)).toBe(7);
    expect(await store.remaining(productId)).toBe(5); // 7 in MySQL − 2 held
    await expectCleanAudit(t.app);
  });
});
