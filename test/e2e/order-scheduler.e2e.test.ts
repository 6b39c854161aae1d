import type { Consumer } from 'kafkajs';
import { OrderDocument, OrderStatusChangedDocument } from '../graphql/generated';
import { dataOf, subscribe } from '../helpers/gql-client';
import { createMember, type Member } from '../helpers/members';
import { historyOf, insertOrder, orderProduct, secondsAgo, stockOf } from '../helpers/orders';
import { waitForSubscribers } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { createApp } from '../../src/app';
import { ensureTopics } from '../../src/clients/kafka';
import { groupId, KAFKA_TOPICS, topicName } from '../../src/clients/topics';
import { Order, OrderStatus, OrderStatusChange } from '../../src/entities/order.entity';
import type { OrderStatusEventPayload } from '../../src/schema/order.events';

// The whole app with its scheduler, every step one second apart.
const ENV = {
  APP_ROLE: 'all' as const,
  ORDER_SHIPPING_AFTER_SECONDS: '1',
  ORDER_DELIVERED_AFTER_SECONDS: '1',
  ORDER_RETURN_WINDOW_SECONDS: '1',
  ORDER_RETURN_COMPLETES_AFTER_SECONDS: '1',
  ORDER_SCHEDULER_INTERVAL_MS: '50',
};
const WALK: OrderStatus[] = [
  OrderStatus.PLACED,
  OrderStatus.SHIPPING,
  OrderStatus.DELIVERED,
  OrderStatus.COMPLETED,
];

let t: TestApp;
let alice: Member;
let bob: Member;
let consumer: Consumer;
const kafkaEvents: { key: string; event: OrderStatusEventPayload }[] = [];

beforeAll(async () => {
  t = await startTestApp(__filename, ENV);
  [alice, bob] = await Promise.all([createMember(t.app), createMember(t.app)]);
  // A consumer of order.status-changed, as another service would run one. The topic outlives
  // test runs: only messages after its current end count.
  const topic = topicName(t.config.kafka, KAFKA_TOPICS.orderStatusChanged);
  await ensureTopics(t.app.services.kafka, t.config.kafka);
  const admin = t.app.services.kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
  );
  await admin.disconnect();
  consumer = t.app.services.kafka.consumer({
    groupId: groupId(t.config.kafka, `order-events-probe-${Date.now()}`),
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (BigInt(message.offset) < (ends.get(partition) ?? 0n)) return;
      kafkaEvents.push({
        key: message.key!.toString(),
        event: JSON.parse(message.value!.toString()),
      });
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await t?.stop();
});

const statusOf = async (app: TestApp, id: number) =>
  (await app.app.orm.em.fork().findOneOrFail(Order, id)).status;

it('a placed order walks through every automatic status, each a step after the previous one; its owner hears each', async () => {
  const product = await orderProduct(t.app, 3);
  const aliceWs = t.ws(alice.token);
  const bobWs = t.ws(bob.token);
  let mine = 0;
  try {
    const aliceSub = subscribe(aliceWs, OrderStatusChangedDocument);
    const bobSub = subscribe(bobWs, OrderStatusChangedDocument);
    await Promise.all([
      waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${alice.id}`),
      waitForSubscribers(t.app, `ORDER_STATUS_CHANGED:${bob.id}`),
    ]);

    const placedAt = new Date();
    mine = await insertOrder(t.app, {
      userId: alice.id,
      items: [{ productId: product, quantity: 1 }],
      placedAt,
    });
    const theirs = await insertOrder(t.app, {
      userId: bob.id,
      items: [{ productId: product, quantity: 1 }],
      placedAt,
    });
    await waitFor(async () => (await statusOf(t, mine)) === 'COMPLETED', { what: 'COMPLETED' });

    const order = dataOf(await t.gql(OrderDocument, { id: String(mine) }, alice.token)).order;
    const p = placedAt.getTime();
    expect(order.history.map((h) => [h.from, h.to, Date.parse(h.at) - p, h.actor])).toEqual([
      [null, 'PLACED', 0, 'SYSTEM'],
      ['PLACED', 'SHIPPING', 1000, 'SYSTEM'],
      ['SHIPPING', 'DELIVERED', 2000, 'SYSTEM'],
      ['DELIVERED', 'COMPLETED', 3000, 'SYSTEM'],
    ]);
    expect(order).toMatchObject({ status: 'COMPLETED', nextTransitionAt: null, nextStatuses: [] });
    expect(await stockOf(t.app, product)).toEqual({ mysql: 3, redis: 3 });

    const heard = (events: typeof aliceSub.events, id: number) =>
      events.map((e) => e.data!.orderStatusChanged).filter((e) => e.orderId === String(id));
    await waitFor(() => heard(aliceSub.events, mine).length === 4 || undefined, {
      what: 'four events',
    });
    expect(heard(aliceSub.events, mine).map((e) => [e.from, e.to, Date.parse(e.at) - p])).toEqual([
      [null, 'PLACED', 0],
      ['PLACED', 'SHIPPING', 1000],
      ['SHIPPING', 'DELIVERED', 2000],
      ['DELIVERED', 'COMPLETED', 3000],
    ]);
    // None of bob's order reaches alice, none of alice's reaches bob.
    await waitFor(() => heard(bobSub.events, theirs).length === 4 || undefined, {
      what: 'bob’s events',
    });
    expect(heard(aliceSub.events, theirs)).toEqual([]);
    expect(heard(bobSub.events, mine)).toEqual([]);
    aliceSub.dispose();
    bobSub.dispose();
  } finally {
    await aliceWs.dispose();
    await bobWs.dispose();
  }

  // Other consumers get the same steps from Kafka, keyed by order id, in order.
  await waitFor(() => kafkaEvents.filter((m) => m.key === String(mine)).length >= 4 || undefined, {
    what: 'order.status-changed events',
  });
  const events = kafkaEvents.filter((m) => m.key === String(mine)).map((m) => m.event);
  expect(events.map((e) => [e.orderId, e.userId, e.from, e.to])).toEqual([
    [mine, alice.id, null, 'PLACED'],
    [mine, alice.id, 'PLACED', 'SHIPPING'],
    [mine, alice.id, 'SHIPPING', 'DELIVERED'],
    [mine, alice.id, 'DELIVERED', 'COMPLETED'],
  ]);
  expect(events.slice(1).every((e) => e.actor === 'SYSTEM' && typeof e.changeId === 'number')).toBe(
    true,
  );
});

it('a change whose event never reached Kafka (a crash after commit) is sent by the relay', async () => {
  const product = await orderProduct(t.app, 1);
  const id = await insertOrder(t.app, {
    userId: alice.id,
    items: [{ productId: product, quantity: 1 }],
    placedAt: secondsAgo(600),
    steps: [{ status: OrderStatus.CANCELLED, at: secondsAgo(590) }],
  });
  const em = t.app.orm.em.fork();
  await em.nativeUpdate(
    OrderStatusChange,
    { order: id, to: OrderStatus.CANCELLED },
    { publishedAt: null, recordedAt: secondsAgo(60) },
  );
  await waitFor(
    async () =>
      (await em.fork().findOneOrFail(OrderStatusChange, { order: id, to: OrderStatus.CANCELLED }))
        .publishedAt,
    {
      what: 'relayed event',
    },
  );
  await waitFor(
    () => kafkaEvents.some((m) => m.key === String(id) && m.event.to === 'CANCELLED') || undefined,
    {
      what: 'relayed event in Kafka',
    },
  );
});

it('two scheduler instances at once apply each step exactly once', async () => {
  const second = await startTestApp(__filename, ENV, { fresh: false, config: t.config });
  try {
    const product = await orderProduct(t.app, 100);
    // Every step of every order is already overdue: both schedulers compete for all of them,
    // and so do extra passes run from each instance.
    const placedAt = secondsAgo(30);
    const ids = await Promise.all(
      Array.from({ length: 30 }, () =>
        insertOrder(t.app, {
          userId: bob.id,
          items: [{ productId: product, quantity: 1 }],
          placedAt,
        }),
      ),
    );
    const passes = [t, second, t, second].map(async (app) => {
      let applied = 0;
      for (let i = 0; i < 10; i++)
        applied += await app.app.services.orderLifecycle.applyDue(app.app.orm.em);
      return applied;
    });
    await Promise.all(passes);
    await waitFor(
      async () =>
        (await t.app.orm.em
          .fork()
          .count(Order, { id: { $in: ids }, status: OrderStatus.COMPLETED })) === ids.length,
      { what: 'all orders COMPLETED' },
    );
    const rows = await t.app.orm.em
      .fork()
      .find(OrderStatusChange, { order: { $in: ids } }, { orderBy: { id: 'asc' } });
    expect(rows).toHaveLength(ids.length * 4);
    for (const id of ids) {
      const history = rows.filter((r) => r.order.id === id);
      expect(history.map((r) => [r.to, r.at.getTime() - placedAt.getTime()])).toEqual(
        WALK.map((s, i) => [s, i * 1000]),
      );
    }
    const versions = await t.app.orm.em
      .fork()
      .find(Order, { id: { $in: ids } }, { fields: ['version'] });
    expect(versions.every((o) => o.version === 4)).toBe(true);
  } finally {
    await second.stop();
  }
});

it('scheduler stopped, time passes, scheduler restarted: the overdue steps are applied in order', async () => {
  const product = await orderProduct(t.app, 10);
  await t.stop();
  // While no scheduler runs: one order placed long enough ago for all of its steps to be due,
  // one for its first step only.
  const offline = await createApp(t.config);
  const longAgo = secondsAgo(10);
  const recently = secondsAgo(1.5);
  const old = await insertOrder(offline, {
    userId: alice.id,
    items: [{ productId: product, quantity: 1 }],
    placedAt: longAgo,
  });
  const fresh = await insertOrder(offline, {
    userId: alice.id,
    items: [{ productId: product, quantity: 1 }],
    placedAt: recently,
  });
  expect(
    await offline.orm.em.fork().count(OrderStatusChange, { order: { $in: [old, fresh] } }),
  ).toBe(2);
  await offline.stop();

  const restartedAt = Date.now();
  t = await startTestApp(__filename, ENV, { fresh: false, config: t.config });
  await waitFor(async () => (await statusOf(t, old)) === 'COMPLETED', {
    what: 'overdue order COMPLETED',
  });
  const history = await t.app.orm.em
    .fork()
    .find(OrderStatusChange, { order: old }, { orderBy: { id: 'asc' } });
  // Each step carries the time it was due, in order, although all were written after the restart.
  expect(history.map((r) => [r.from ?? null, r.to, r.at.getTime() - longAgo.getTime()])).toEqual([
    [null, 'PLACED', 0],
    ['PLACED', 'SHIPPING', 1000],
    ['SHIPPING', 'DELIVERED', 2000],
    ['DELIVERED', 'COMPLETED', 3000],
  ]);
  expect(history.slice(1).every((r) => r.recordedAt.getTime() >= restartedAt)).toBe(true);

  await waitFor(async () => (await statusOf(t, fresh)) === 'COMPLETED', {
    what: 'second order COMPLETED',
  });
  expect((await historyOf(t.app, fresh)).map(([to, at]) => [to, at - recently.getTime()])).toEqual(
    WALK.map((s, i) => [s, i * 1000]),
  );
});
