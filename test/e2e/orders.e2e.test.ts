import {
  CancelOrderDocument,
  MyOrdersDocument,
  OrderDocument,
  OrderStatusChangedDocument,
  RequestReturnDocument,
  StockChangedDocument,
} from '../graphql/generated';
import { dataOf, errorCode, subscribe } from '../helpers/gql-client';
import { createMember, type Member } from '../helpers/members';
import { historyOf, insertOrder, orderProduct, secondsAgo, stockOf } from '../helpers/orders';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { Order, OrderStatus, OrderStatusChange } from '../../src/entities/order.entity';
import { Role } from '../../src/entities/user.entity';

// The API alone (no workers): each test runs the scheduler pass itself, so "time has passed"
// is a seeded history in the past and nothing moves behind a test's back.
let t: TestApp;
let alice: Member;
let bob: Member;
let admin: Member;
const HOUR = 3600;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    APP_ROLE: 'api',
    ORDER_SHIPPING_AFTER_SECONDS: String(HOUR),
    ORDER_DELIVERED_AFTER_SECONDS: String(HOUR),
    ORDER_RETURN_WINDOW_SECONDS: String(HOUR),
    ORDER_RETURN_COMPLETES_AFTER_SECONDS: '1',
  });
  [alice, bob, admin] = await Promise.all([
    createMember(t.app),
    createMember(t.app),
    createMember(t.app, Role.ADMIN),
  ]);
});

afterAll(async () => {
  await t?.stop();
});

const applyDue = () => t.app.services.orderLifecycle.applyDue(t.app.orm.em);
const statusOf = async (id: number) => (await t.app.orm.em.fork().findOneOrFail(Order, id)).status;
const cancel = (id: number, who: Member) =>
  t.gql(CancelOrderDocument, { input: { orderId: String(id) } }, who.token);
/**
 * The end of a cancel race: the refunds owed are given back (no refund worker runs here), then
 * orders match payments, the product's stock is settled and the orders' payments audit clean.
 */
async function expectSettled(orderIds: number[], productId: number, initialStock: number) {
  while ((await t.app.services.refunds.refundDue()) > 0);
  const payments = await t.app.orm.em
    .getConnection()
    .execute<{ payment_id: string }[]>(
      `select payment_id from orders where id in (${orderIds.map(() => '?').join(',')})`,
      orderIds,
    );
  await expectOrdersMatchPayments(t.app);
  await expectStockSettled(t.app, productId, initialStock);
  await expectCleanAudit(t.app, { paymentIds: payments.map((p) => p.payment_id) });
}
const requestReturn = (id: number, who: Member) =>
  t.gql(RequestReturnDocument, { input: { orderId: String(id) } }, who.token);

/** Seeds an order delivered `deliveredSecondsAgo` ago, having shipped and arrived on time before. */
async function deliveredOrder(
  who: Member,
  productId: number,
  quantity: number,
  deliveredSecondsAgo: number,
) {
  const delivered = secondsAgo(deliveredSecondsAgo);
  return insertOrder(t.app, {
    userId: who.id,
    items: [{ productId, quantity }],
    placedAt: new Date(delivered.getTime() - 2 * HOUR * 1000),
    steps: [
      { status: OrderStatus.SHIPPING, at: new Date(delivered.getTime() - HOUR * 1000) },
      { status: OrderStatus.DELIVERED, at: delivered },
    ],
  });
}

describe('reading orders', () => {
  it('myOrders lists the viewer’s own orders newest first, pages with cursors and filters by status', async () => {
    const member = await createMember(t.app);
    const product = await orderProduct(t.app);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await insertOrder(t.app, {
          userId: member.id,
          items: [{ productId: product, quantity: 1 }],
          placedAt: secondsAgo(50 - i),
        }),
      );
    }
    await insertOrder(t.app, { userId: bob.id, items: [{ productId: product, quantity: 1 }] });
    dataOf(await cancel(ids[1]!, member));

    const first = dataOf(await t.gql(MyOrdersDocument, { first: 2 }, member.token)).myOrders;
    expect(first.totalCount).toBe(5);
    expect(first.edges.map((e) => Number(e.node.id))).toEqual([ids[4], ids[3]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = dataOf(
      await t.gql(MyOrdersDocument, { first: 10, after: first.pageInfo.endCursor }, member.token),
    ).myOrders;
    expect(rest.edges.map((e) => Number(e.node.id))).toEqual([ids[2], ids[1], ids[0]]);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[2]!.cursor });

    const cancelled = dataOf(
      await t.gql(MyOrdersDocument, { status: ['CANCELLED'] }, member.token),
    ).myOrders;
    expect(cancelled.totalCount).toBe(1);
    expect(
      cancelled.edges.map((e) => [Number(e.node.id), e.node.status, e.node.nextStatuses]),
    ).toEqual([[ids[1], 'CANCELLED', []]]);
    const placed = dataOf(
      await t.gql(MyOrdersDocument, { status: ['PLACED', 'SHIPPING'] }, member.token),
    ).myOrders;
    expect(placed.totalCount).toBe(4);
    expect(placed.edges.every((e) => e.node.nextStatuses.join() === 'CANCELLED')).toBe(true);

    const bad = await t.gql(MyOrdersDocument, { after: 'not-a-cursor' }, member.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.field).toBe('after');
    expect(errorCode(await t.gql(MyOrdersDocument, {}))).toBe('UNAUTHENTICATED');
  });

  it('order(id) shows items, products and history to the owner and admins; NOT_FOUND to anyone else', async () => {
    const p1 = await orderProduct(t.app, 5, 1200);
    const p2 = await orderProduct(t.app, 5, 800);
    const placedAt = secondsAgo(5);
    const id = await insertOrder(t.app, {
      userId: alice.id,
      placedAt,
      items: [
        { productId: p1, quantity: 2, unitPrice: 1200 },
        { productId: p2, quantity: 1, unitPrice: 800 },
      ],
    });
    const order = dataOf(await t.gql(OrderDocument, { id: String(id) }, alice.token)).order;
    expect(order).toMatchObject({
      id: String(id),
      status: 'PLACED',
      totalAmount: 3200,
      placedAt: placedAt.toISOString(),
      nextTransitionAt: new Date(placedAt.getTime() + HOUR * 1000).toISOString(),
      nextStatuses: ['CANCELLED'],
      history: [{ from: null, to: 'PLACED', at: placedAt.toISOString(), actor: 'SYSTEM' }],
    });
    expect(order.items.map((i) => [Number(i.product.id), i.quantity, i.unitPrice])).toEqual([
      [p1, 2, 1200],
      [p2, 1, 800],
    ]);
    expect(dataOf(await t.gql(OrderDocument, { id: String(id) }, admin.token)).order.id).toBe(
      String(id),
    );

    // Someone else's order and a missing one answer alike: existence is not revealed.
    const other = await t.gql(OrderDocument, { id: String(id) }, bob.token);
    const missing = await t.gql(OrderDocument, { id: '999999' }, bob.token);
    expect(errorCode(other)).toBe('NOT_FOUND');
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(other.data).toEqual(missing.data);
    expect(errorCode(await t.gql(OrderDocument, { id: 'x1' }, bob.token))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(OrderDocument, { id: String(id) }))).toBe('UNAUTHENTICATED');
  });
});

describe('cancelOrder', () => {
  it('cancels a placed order and restores its stock once, in MySQL and in the live counter', async () => {
    const p1 = await orderProduct(t.app, 7);
    const p2 = await orderProduct(t.app, 0);
    const id = await insertOrder(t.app, {
      userId: alice.id,
      items: [
        { productId: p1, quantity: 2 },
        { productId: p2, quantity: 3 },
      ],
    });
    expect(errorCode(await cancel(id, bob))).toBe('NOT_FOUND');
    expect(errorCode(await cancel(id, admin))).toBe('FORBIDDEN');

    const res = dataOf(await cancel(id, alice)).cancelOrder;
    expect(res.__typename).toBe('Order');
    if (res.__typename !== 'Order') return;
    expect(res).toMatchObject({ status: 'CANCELLED', nextStatuses: [], nextTransitionAt: null });
    expect(res.history.map((h) => [h.from, h.to, h.actor])).toEqual([
      [null, 'PLACED', 'SYSTEM'],
      ['PLACED', 'CANCELLED', 'OWNER'],
    ]);
    expect(await stockOf(t.app, p1)).toEqual({ mysql: 9, redis: 9 });
    expect(await stockOf(t.app, p2)).toEqual({ mysql: 3, redis: 3 });

    const again = dataOf(await cancel(id, alice)).cancelOrder;
    expect(again).toMatchObject({
      __typename: 'InvalidOrderTransitionError',
      code: 'INVALID_ORDER_TRANSITION',
      from: 'CANCELLED',
      to: 'CANCELLED',
    });
    expect(await stockOf(t.app, p1)).toEqual({ mysql: 9, redis: 9 });
    expect(await applyDue()).toBeGreaterThanOrEqual(0);
    expect(await statusOf(id)).toBe('CANCELLED');

    // Both changes went to Kafka: the broker acknowledged them (the outbox rows are marked).
    await waitFor(
      async () =>
        (await t.app.orm.em.fork().count(OrderStatusChange, { order: id, publishedAt: null })) ===
        0,
      { what: 'order.status-changed events acknowledged' },
    );
    const bad = await t.gql(CancelOrderDocument, { input: { orderId: 'abc' } }, alice.token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.field).toBe('orderId');
  });

  it('refuses a cancel once the order has shipped', async () => {
    const product = await orderProduct(t.app, 4);
    const id = await insertOrder(t.app, {
      userId: alice.id,
      items: [{ productId: product, quantity: 1 }],
      placedAt: secondsAgo(HOUR + 60),
    });
    expect(await applyDue()).toBeGreaterThanOrEqual(1);
    expect(await statusOf(id)).toBe('SHIPPING');
    const res = dataOf(await cancel(id, alice)).cancelOrder;
    expect(res).toMatchObject({
      __typename: 'InvalidOrderTransitionError',
      from: 'SHIPPING',
      to: 'CANCELLED',
    });
    expect(await stockOf(t.app, product)).toEqual({ mysql: 4, redis: 4 });
    expect(
      dataOf(await t.gql(OrderDocument, { id: String(id) }, alice.token)).order.nextStatuses,
    ).toEqual([]);
  });

  it('20 concurrent cancels of one order: one succeeds, the stock comes back once', async () => {
    const product = await orderProduct(t.app, 10);
    const id = await insertOrder(t.app, {
      userId: alice.id,
      items: [{ productId: product, quantity: 3 }],
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => cancel(id, alice)));
    const kinds = results.map((r) => dataOf(r).cancelOrder.__typename);
    expect(kinds.filter((k) => k === 'Order')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'InvalidOrderTransitionError')).toHaveLength(19);
    expect((await historyOf(t.app, id)).map(([to]) => to)).toEqual(['PLACED', 'CANCELLED']);
    expect(await stockOf(t.app, product)).toEqual({ mysql: 13, redis: 13 });
    // 10 on sale + the 3 units of the seeded order; none of them sold in the end.
    await expectSettled([id], product, 13);
  });

  it('a cancel racing the shipping step: exactly one of them wins, and the stock agrees', async () => {
    const product = await orderProduct(t.app, 50);
    // Shipping is due for every order: the scheduler passes and the cancels go at the same time.
    const ids = await Promise.all(
      Array.from({ length: 12 }, () =>
        insertOrder(t.app, {
          userId: alice.id,
          items: [{ productId: product, quantity: 1 }],
          placedAt: secondsAgo(HOUR),
        }),
      ),
    );
    const [cancels] = await Promise.all([
      Promise.all(ids.map((id) => cancel(id, alice))),
      applyDue(),
      applyDue(),
    ]);
    let cancelled = 0;
    for (const [i, id] of ids.entries()) {
      const result = dataOf(cancels[i]!).cancelOrder;
      const history = (await historyOf(t.app, id)).map(([to]) => to);
      if (result.__typename === 'Order') {
        cancelled++;
        expect(history).toEqual(['PLACED', 'CANCELLED']);
      } else {
        expect(result).toMatchObject({ from: 'SHIPPING', to: 'CANCELLED' });
        expect(history).toEqual(['PLACED', 'SHIPPING']);
      }
    }
    expect(await stockOf(t.app, product)).toEqual({ mysql: 50 + cancelled, redis: 50 + cancelled });
    // 50 on sale + the 12 units of the seeded orders; the shipped ones are sold.
    await expectSettled(ids, product, 62);
  });
});

it('a cancel sends stockChanged with the restored figure', async () => {
  const product = await orderProduct(t.app, 4);
  const id = await insertOrder(t.app, {
    userId: alice.id,
    items: [{ productId: product, quantity: 2 }],
  });
  const ws = t.ws();
  try {
    const sub = subscribe(ws, StockChangedDocument, { productId: String(product) });
    // Frames carry changes only: restock a unit at a time until one reaches the subscriber.
    let restocked = 0;
    await waitFor(
      async () => {
        if (sub.events.length > 0) return true;
        await t.app.services.stock.adjust(t.app.orm.em.fork(), product, 1);
        restocked++;
        return undefined;
      },
      { intervalMs: 150, what: 'stockChanged to be live' },
    );
    dataOf(await cancel(id, alice));
    const expected = 4 + restocked + 2;
    await waitFor(
      () => sub.events.some((e) => e.data?.stockChanged.remaining === expected) || undefined,
      { what: `stockChanged with ${expected} remaining` },
    );
    expect(sub.events.at(-1)?.data?.stockChanged).toMatchObject({
      productId: String(product),
      remaining: expected,
      soldOut: false,
    });
    sub.dispose();
  } finally {
    await ws.dispose();
  }
});

describe('requestReturn', () => {
  it('inside the window: RETURN_REQUESTED, then RETURNED after the delay with the stock back once', async () => {
    const product = await orderProduct(t.app, 2);
    const id = await deliveredOrder(alice, product, 2, 60);
    expect(
      dataOf(await t.gql(OrderDocument, { id: String(id) }, alice.token)).order.nextStatuses,
    ).toEqual(['RETURN_REQUESTED']);
    expect(errorCode(await requestReturn(id, bob))).toBe('NOT_FOUND');

    const res = dataOf(await requestReturn(id, alice)).requestReturn;
    if (res.__typename !== 'Order') throw new Error(`refused: ${JSON.stringify(res)}`);
    expect(res).toMatchObject({ status: 'RETURN_REQUESTED', nextStatuses: [] });
    const requestedAt = Date.parse(res.history.at(-1)!.at);
    expect(res.history.at(-1)).toMatchObject({
      from: 'DELIVERED',
      to: 'RETURN_REQUESTED',
      actor: 'OWNER',
    });
    expect(Date.parse(res.nextTransitionAt!)).toBe(requestedAt + 1000);
    // Stock comes back when the goods are back, not at the request.
    expect(await stockOf(t.app, product)).toEqual({ mysql: 2, redis: 2 });
    expect(dataOf(await requestReturn(id, alice)).requestReturn).toMatchObject({
      __typename: 'InvalidOrderTransitionError',
      from: 'RETURN_REQUESTED',
      to: 'RETURN_REQUESTED',
    });

    await waitFor(async () => (await applyDue(), (await statusOf(id)) === 'RETURNED'), {
      what: 'RETURNED',
    });
    const history = await historyOf(t.app, id);
    expect(history.map(([to, , actor]) => [to, actor])).toEqual([
      ['PLACED', 'SYSTEM'],
      ['SHIPPING', 'SYSTEM'],
      ['DELIVERED', 'SYSTEM'],
      ['RETURN_REQUESTED', 'OWNER'],
      ['RETURNED', 'SYSTEM'],
    ]);
    expect(history[4]![1]).toBe(requestedAt + 1000);
    expect(await stockOf(t.app, product)).toEqual({ mysql: 4, redis: 4 });
    await applyDue();
    expect(await stockOf(t.app, product)).toEqual({ mysql: 4, redis: 4 });
  });

  it('outside the window: refused, and the order completes at the end of the window', async () => {
    const product = await orderProduct(t.app, 1);
    const id = await deliveredOrder(alice, product, 1, 2 * HOUR);
    const deliveredAt = (await historyOf(t.app, id))[2]![1];
    // The scheduler has not run yet: the window alone decides.
    expect(dataOf(await t.gql(OrderDocument, { id: String(id) }, alice.token)).order).toMatchObject(
      {
        status: 'DELIVERED',
        nextStatuses: [],
      },
    );
    expect(dataOf(await requestReturn(id, alice)).requestReturn).toMatchObject({
      __typename: 'InvalidOrderTransitionError',
      code: 'INVALID_ORDER_TRANSITION',
      from: 'DELIVERED',
      to: 'RETURN_REQUESTED',
    });
    await applyDue();
    const history = await historyOf(t.app, id);
    expect(history.at(-1)).toEqual(['COMPLETED', deliveredAt + HOUR * 1000, 'SYSTEM']);
    expect(dataOf(await requestReturn(id, alice)).requestReturn).toMatchObject({
      from: 'COMPLETED',
      to: 'RETURN_REQUESTED',
    });
    expect(await stockOf(t.app, product)).toEqual({ mysql: 1, redis: 1 });

    // Nor can an order be returned before it is delivered.
    const placed = await insertOrder(t.app, {
      userId: alice.id,
      items: [{ productId: product, quantity: 1 }],
    });
    expect(dataOf(await requestReturn(placed, alice)).requestReturn).toMatchObject({
      from: 'PLACED',
      to: 'RETURN_REQUESTED',
    });
  });
});

describe('orderStatusChanged', () => {
  it('a member hears about their own orders only', async () => {
    const product = await orderProduct(t.app, 5);
    const aliceWs = t.ws(alice.token);
    const bobWs = t.ws(bob.token);
    try {
      const aliceSub = subscribe(aliceWs, OrderStatusChangedDocument);
      const bobSub = subscribe(bobWs, OrderStatusChangedDocument);
      await Promise.all([
        waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${alice.id}`),
        waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${bob.id}`),
      ]);

      const a = await insertOrder(t.app, {
        userId: alice.id,
        items: [{ productId: product, quantity: 1 }],
      });
      const b = await insertOrder(t.app, {
        userId: bob.id,
        items: [{ productId: product, quantity: 1 }],
      });
      dataOf(await cancel(b, bob));
      dataOf(await cancel(a, alice));
      const heard = (events: typeof aliceSub.events) =>
        events.map((e) => e.data?.orderStatusChanged);
      await waitFor(() => heard(aliceSub.events).length >= 2 || undefined, {
        what: 'alice’s events',
      });
      await waitFor(() => heard(bobSub.events).length >= 2 || undefined, { what: 'bob’s events' });
      expect(heard(aliceSub.events)).toEqual([
        expect.objectContaining({ orderId: String(a), from: null, to: 'PLACED' }),
        expect.objectContaining({ orderId: String(a), from: 'PLACED', to: 'CANCELLED' }),
      ]);
      expect(heard(bobSub.events)).toEqual([
        expect.objectContaining({ orderId: String(b), from: null, to: 'PLACED' }),
        expect.objectContaining({ orderId: String(b), from: 'PLACED', to: 'CANCELLED' }),
      ]);
      expect(aliceSub.error).toBeUndefined();
      aliceSub.dispose();
      bobSub.dispose();
    } finally {
      await aliceWs.dispose();
      await bobWs.dispose();
    }
  });
});
