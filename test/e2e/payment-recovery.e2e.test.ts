import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Env } from '../../src/config';
import { expectCleanAudit } from '../helpers/audit';
import { expectOrdersMatchPayments, expectStockSettled } from '../helpers/invariants';
import { killChild, startChildApp } from '../helpers/child-app';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import {
  createMembers,
  createProduct,
  durableState,
  type Member,
  liveStock,
} from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { PayDocument, PurchaseDocument } from '../graphql/generated';

// Two full instances (API + workers, and a second worker) settle what a killed API process left
// behind: the recovery runs on both at once. Payments are made on a third process, the built app
// in its API role, which the tests kill with SIGKILL mid-payment.
const HOLD_SECONDS = 10;
const shared: Env = {
  PAYMENT_DECLINE_RATE: '0',
  SALE_HOLD_SECONDS: String(HOLD_SECONDS),
  SWEEPER_INTERVAL_MS: '200',
  OUTBOX_POLL_INTERVAL_MS: '200',
  PAYMENT_RECOVERY_AFTER_SECONDS: '2',
  PAYMENT_RECOVERY_INTERVAL_MS: '200',
  // Above the payer's 3 s charge, below the hold: the hold decides when a claim may be broken.
  PAYMENT_CLAIM_LEASE_SECONDS: '5',
};
// The payment process's provider books a charge at once and answers 3 s later: the window in
// which the tests kill it.
const PAYER_LATENCY_MS = 3000;

let t: TestApp;
let second: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, { ...shared, PAYMENT_LATENCY_MS: '0' });
  second = await startTestApp(
    __filename,
    { ...shared, APP_ROLE: 'worker', PAYMENT_LATENCY_MS: '0' },
    { fresh: false },
  );
});
afterAll(async () => {
  await second?.stop();
  await t?.stop();
});

/** The built app in its API role on this file's state; resolves with it and its GraphQL URL. */
/** The payer: the built API as its own process, so the test can SIGKILL it mid-payment. */
const startPayer = () =>
  startChildApp(t.config, {
    ...shared,
    APP_ROLE: 'api',
    PAYMENT_LATENCY_MS: String(PAYER_LATENCY_MS),
  });
const kill = killChild;

async function reserveAll(productId: number, members: Member[]): Promise<string[]> {
  return Promise.all(
    members.map(async (m, i) => {
      const r = dataOf(
        await t.gql(
          PurchaseDocument,
          { input: { productId: String(productId), idempotencyKey: `r${i}` } },
          m.token,
        ),
      ).purchase;
      if (r.__typename !== 'Reservation') throw new Error(r.__typename);
      return r.id;
    }),
  );
}

interface Row {
  id: string;
  reservation_id: string;
  status: string;
  published_at: Date | null;
}

async function paymentsOf(reservationIds: string[]): Promise<Row[]> {
  return t.app.orm.em
    .getConnection()
    .execute<Row[]>(
      `select id, reservation_id, status, published_at from payments where reservation_id in (${reservationIds.map(() => '?').join(',')})`,
      reservationIds,
    );
}

const live = (productId: number) => liveStock(t.app, productId);

const reservationOf = (reservationId: string) =>
  t.app.services.saleStore.reservations.record(reservationId);

describe('payment recovery', () => {
  it('an API killed after the charge and before pay.lua: each charge is refunded once the hold is over, the units return once, no order', async () => {
    const productId = await createProduct(t.app, { stock: 20 });
    const members = await createMembers(t.app, 8);
    const payer = await startPayer();
    try {
      const reservations = await reserveAll(productId, members);
      expect(await live(productId)).toBe(12);
      // Each pay() records its PENDING payment, is charged at once, then waits for the answer.
      const requests = members.map((m, i) =>
        gqlRequest(payer.url, PayDocument, { input: { reservationId: reservations[i] } }, m.token)
          .then(() => 'answered')
          .catch(() => 'cut off'),
      );
      const rows = await waitFor(
        async () => {
          const found = await paymentsOf(reservations);
          const charged = await t.app.services.paymentProvider.charges();
          return found.length === 8 && found.every((r) => charged.has(r.id)) ? found : undefined;
        },
        { what: '8 charges booked' },
      );
      await kill(payer.child);
      expect(await Promise.all(requests)).toEqual(Array(8).fill('cut off'));
      // Killed before pay.lua: still held in Redis (claimed by its payment), PENDING in MySQL.
      for (const r of reservations) expect((await reservationOf(r))?.status).toBe('PAYING');
      expect(rows.every((r) => r.status === 'PENDING')).toBe(true);

      const settled = await waitFor(
        async () => {
          const now = await paymentsOf(reservations);
          return now.every((r) => r.status === 'VOID') ? now : undefined;
        },
        { timeoutMs: (HOLD_SECONDS + 20) * 1000, what: 'the 8 payments voided' },
      );
      const refunded = await t.app.services.paymentProvider.refunds();
      for (const r of settled) expect(refunded.get(r.id)).toBe(1000);
      await waitFor(async () => (await live(productId)) === 20, {
        what: 'the held units back on sale',
      });
      for (const r of reservations) expect((await reservationOf(r))?.status).toBe('EXPIRED');
      // Released exactly once by the sweepers and recoveries of both instances.
      expect(await t.app.services.reservations.sweep()).toBe(0);
      expect(await live(productId)).toBe(20);
      expect(await durableState(t.app, productId)).toEqual({ stock: 20, orders: 0, units: 0 });
      expect(await t.app.services.stock.sync(t.app.orm.em.fork(), productId)).toBe(20);
      // Every charge was refunded, and nothing else happened.
      expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: 0, orders: 0 });
      expect(await expectStockSettled(t.app, productId, 20)).toEqual({ sold: 0, left: 20 });
      expect(await expectCleanAudit(t.app)).toMatchObject({ charges: 8, refunds: 8, orders: 0 });
    } finally {
      await kill(payer.child);
    }
  });

  it('an API killed after pay.lua and before marking the payment paid: each charge becomes exactly one order', async () => {
    const productId = await createProduct(t.app, { stock: 20 });
    const members = await createMembers(t.app, 8);
    const payer = await startPayer();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let lockHolder: Promise<void> | undefined;
    try {
      const reservations = await reserveAll(productId, members);
      const requests = members.map((m, i) =>
        gqlRequest(payer.url, PayDocument, { input: { reservationId: reservations[i] } }, m.token)
          .then(() => 'answered')
          .catch(() => 'cut off'),
      );
      const rows = await waitFor(
        async () => {
          const found = await paymentsOf(reservations);
          return found.length === 8 ? found : undefined;
        },
        { what: '8 pending payments' },
      );
      const ids = rows.map((r) => r.id);
      // Another transaction holds the 8 rows, so the payment process stops right at its update
      // PENDING → PAID (after the charge and pay.lua), where it is killed.
      let locked = false;
      lockHolder = t.app.orm.em.fork().transactional(async (em) => {
        await em.execute(
          `select id from payments where id in (${ids.map(() => '?').join(',')}) for update`,
          ids,
        );
        locked = true;
        await gate;
      });
      await waitFor(() => locked, { what: 'the rows locked' });
      await waitFor(
        async () => {
          for (const r of reservations)
            if ((await reservationOf(r))?.status !== 'PAID') return false;
          return true;
        },
        { what: 'pay.lua to have marked the 8 reservations paid' },
      );
      const conn = t.app.orm.em.getConnection();
      // Every reservation is paid in Redis, so each pay() is past pay.lua and on its way to the
      // PENDING → PAID write: the payment process is killed once those writes (a locking read per
      // group commit of them; a group queued behind never reaches MySQL) wait for the rows.
      const waiting = async () =>
        conn.execute<{ id: number; info: string }[]>(
          `select id, info from information_schema.processlist
           where db = ? and (info like 'update payments set status = ''PAID''%'
             or info like 'select id from payments where id in%for update%')`,
          [t.config.mysql.dbName],
        );
      await waitFor(async () => (await waiting()).length > 0, {
        what: 'the PENDING → PAID writes waiting for the row locks',
      });
      await kill(payer.child);
      expect(await Promise.all(requests)).toEqual(Array(8).fill('cut off'));
      // A dead client's last statement must not run after it: end its connections at the server
      // (MySQL would only notice the dead socket once it tries to answer).
      for (const q of await waiting()) await conn.execute(`kill connection ${Number(q.id)}`);
      expect((await paymentsOf(reservations)).every((r) => r.status === 'PENDING')).toBe(true);
      release();
      await lockHolder;

      const done = await waitFor(
        async () => {
          const s = await durableState(t.app, productId);
          return s.orders === 8 ? s : undefined;
        },
        { timeoutMs: 30_000, what: '8 orders' },
      );
      expect(done).toEqual({ stock: 12, orders: 8, units: 8 });
      const [orders] = await conn.execute<{ n: number; d: number }[]>(
        `select count(*) as n, count(distinct payment_id) as d from orders
         where payment_id in (${ids.map(() => '?').join(',')})`,
        ids,
      );
      expect([Number(orders.n), Number(orders.d)]).toEqual([8, 8]);
      await waitFor(
        async () => (await paymentsOf(reservations)).every((r) => r.published_at !== null),
        { what: 'every event marked published' },
      );
      expect((await paymentsOf(reservations)).every((r) => r.status === 'PAID')).toBe(true);
      const charged = await t.app.services.paymentProvider.charges();
      const refunded = await t.app.services.paymentProvider.refunds();
      for (const id of ids) {
        expect(charged.has(id)).toBe(true);
        expect(refunded.has(id)).toBe(false);
      }
      for (const r of reservations)
        await waitFor(async () => ((await reservationOf(r))?.orderId ?? null) !== null, {
          what: 'the order id on the reservation',
        });
      // Sold once: neither returned to sale nor counted twice.
      expect(await live(productId)).toBe(12);
      expect(await t.app.services.stock.sync(t.app.orm.em.fork(), productId)).toBe(12);
      // Paying again answers with the recovered payment.
      const again = dataOf(
        await t.gql(PayDocument, { input: { reservationId: reservations[0] } }, members[0].token),
      ).pay;
      const first = rows.find((r) => r.reservation_id === reservations[0]);
      expect(again).toMatchObject({ __typename: 'Payment', id: first?.id });
      // With the first test's 8 refunded charges: 16 charges, 8 orders, no discrepancy.
      expect(await expectOrdersMatchPayments(t.app)).toEqual({ paid: 8, orders: 8 });
      expect(await expectStockSettled(t.app, productId, 20)).toEqual({ sold: 8, left: 12 });
      expect(await expectCleanAudit(t.app)).toMatchObject({ charges: 16, refunds: 8, orders: 8 });
    } finally {
      release?.();
      await lockHolder?.catch(() => undefined);
      await kill(payer.child);
    }
  });
});
