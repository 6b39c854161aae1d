import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  backoffMs,
  claimDue,
  claimSelect,
  type ClaimOptions,
  OutboxRelay,
  type OutboxRow,
  type OutboxSource,
} from '../../src/services/common/outbox-relay';
import { startTestApp, type TestApp } from '../helpers/test-app';

// The API role: no mail worker runs, so only this file's relays touch the outbox rows.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, { APP_ROLE: 'api' });
});
afterAll(async () => {
  await t?.stop();
});

interface Row extends OutboxRow {
  id: number;
  subject: string;
}

const conn = () => t.app.orm.em.getConnection();

/** Writes `n` pending mail rows with `subject`, due now and expiring in `expiresInS` seconds. */
async function insertRows(subject: string, n: number, expiresInS = 3600): Promise<void> {
  await conn().execute(
    `insert into mail_outbox (to_address, subject, body_cipher, status, attempts, next_attempt_at, expires_at, created_at)
     values ${Array.from({ length: n }, () => `('o@example.com', ?, 'x', 'PENDING', 0, now(3), now(3) + interval ? second, now(3))`).join(',')}`,
    Array.from({ length: n }, () => [subject, expiresInS]).flat(),
    'run',
  );
}

/** Whether MySQL's plan of a claim sorts its rows (so it reads and locks every pending row). */
async function sorts(o: Omit<ClaimOptions, 'limit'>): Promise<boolean> {
  const plan = await conn().execute<{ Extra: string | null }[]>(`explain ${claimSelect(o)}`, [1]);
  return plan.some((step) => /filesort|temporary/i.test(step.Extra ?? ''));
}

const rowsOf = (subject: string) =>
  conn().execute<
    { id: number; status: string; attempts: number; last_error: string | null; wait_ms: number }[]
  >(
    `select id, status, attempts, last_error,
       timestampdiff(microsecond, now(3), next_attempt_at) / 1000 as wait_ms
     from mail_outbox where subject = ? order by id`,
    [subject],
  );

function source(
  subject: string,
  deliver: (rows: Row[]) => Promise<void>,
  mode: 'batch' | 'each' = 'each',
): OutboxSource<Row> {
  return {
    name: `test ${subject}`,
    table: 'mail_outbox',
    columns: 'id, subject, attempts',
    pending: `status = 'PENDING' and subject = '${subject}'`,
    // The mail outbox's order: its status index's.
    orderBy: 'next_attempt_at, id',
    limit: 7,
    leaseMs: 60_000,
    expire: { when: 'expires_at <= now(3)', set: "status = 'EXPIRED'" },
    backoff: { baseMs: 2_000, maxMs: 10_000 },
    delivered: "status = 'SENT', sent_at = now(3), last_error = null",
    mode,
    deliver,
  };
}

describe('outbox relay', () => {
  it('relays running at once on their own connections deliver every row exactly once', async () => {
    await insertRows('race', 120);
    const delivered: number[] = [];
    const slowDeliver = async (rows: Row[]) => {
      await new Promise((r) => setTimeout(r, 5));
      delivered.push(...rows.map((r) => r.id));
    };
    const relays = Array.from(
      { length: 4 },
      (_, i) =>
        new OutboxRelay<Row>(
          t.app.orm.em.fork(),
          source('race', slowDeliver, i % 2 ? 'batch' : 'each'),
          t.app.logger,
        ),
    );
    const counts = await Promise.all(
      relays.map(async (relay) => {
        let sum = 0;
        for (let n = await relay.run(); n > 0; n = await relay.run()) sum += n;
        return sum;
      }),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(120);
    expect(delivered).toHaveLength(120);
    expect(new Set(delivered).size).toBe(120);
    const rows = await rowsOf('race');
    expect(rows.every((r) => r.status === 'SENT' && r.attempts === 1)).toBe(true);
    // Every relay took part: none found the rows locked by another's claim.
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('a claim still open locks only the rows it takes: another relay claims the next ones', async () => {
    await insertRows('open', 9);
    const ids = (await rowsOf('open')).map((r) => r.id);
    const claim = source('open', async () => {});
    /** Holds a claim of `first` rows open on its own connection while `meanwhile` runs. */
    const holding = <T>(o: Omit<ClaimOptions, 'limit'>, meanwhile: () => Promise<T>) =>
      conn()
        .getKnex()
        .transaction(async (trx) => {
          await trx.raw(claimSelect(o), [3]);
          return meanwhile();
        });

    const taken = await holding(claim, () => claimDue<Row>(t.app.orm.em, { ...claim, limit: 3 }));
    expect(taken.map((r) => r.id)).toEqual(ids.slice(3, 6));

    // An order no index gives: the open claim reads, locks and sorts every pending row, and the
    // other claim finds nothing. The plan check below keeps every outbox off this.
    const sorted = { ...claim, orderBy: 'created_at, id' };
    expect(
      await holding(sorted, () => claimDue<Row>(t.app.orm.em, { ...sorted, limit: 3 })),
    ).toEqual([]);
  });

  it("every outbox's claim reads its rows in an index's order, with no sort step", async () => {
    const s = t.app.services;
    const claims: Record<string, Omit<ClaimOptions, 'limit'>> = {
      mail: s.mail.outbox,
      'payment events': s.paymentEvents.relay.source,
      'order status events': s.orderStatus.outbox.relay.source,
      refunds: s.refunds.outbox.source,
      'payment recovery': s.paymentRecovery.claim,
    };
    const plans = await Promise.all(
      Object.entries(claims).map(async ([name, o]) => ({ name, sorts: await sorts(o) })),
    );
    expect(plans).toEqual(Object.keys(claims).map((name) => ({ name, sorts: false })));
    // The check sees a sort: the mail claim in an order no index gives needs one.
    expect(await sorts({ ...s.mail.outbox, orderBy: 'created_at, id' })).toBe(true);
  });

  it('a failed delivery is backed off by the shared rule, keeps its error, and is delivered once due', async () => {
    await insertRows('flaky', 2);
    let failing = true;
    const sent: number[] = [];
    const relay = new OutboxRelay<Row>(
      t.app.orm.em,
      source('flaky', async ([row]) => {
        if (failing) throw new Error('smtp down');
        sent.push(row.id);
      }),
      t.app.logger,
    );
    const rule = { baseMs: 2_000, maxMs: 10_000 };
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await relay.run()).toBe(0);
      const rows = await rowsOf('flaky');
      for (const r of rows) {
        expect(r).toMatchObject({ status: 'PENDING', attempts: attempt, last_error: 'smtp down' });
        // Waits the rule's delay (give or take the statement's own time).
        expect(Number(r.wait_ms)).toBeGreaterThan(backoffMs(attempt, rule) - 1000);
        expect(Number(r.wait_ms)).toBeLessThanOrEqual(backoffMs(attempt, rule));
      }
      // Not due: a pass finds nothing.
      expect(await relay.run()).toBe(0);
      expect((await rowsOf('flaky')).map((r) => r.attempts)).toEqual([attempt, attempt]);
      await conn().execute(
        `update mail_outbox set next_attempt_at = now(3) where subject = 'flaky'`,
        [],
        'run',
      );
    }
    failing = false;
    expect(await relay.run()).toBe(2);
    expect(sent).toHaveLength(2);
    expect(await rowsOf('flaky')).toEqual([
      expect.objectContaining({ status: 'SENT', attempts: 5, last_error: null }),
      expect.objectContaining({ status: 'SENT', attempts: 5, last_error: null }),
    ]);
  });

  it('expired rows are set aside unsent; a row delivered by a faster path is left alone', async () => {
    await insertRows('expired', 2, -1);
    await insertRows('fast', 1);
    const sent: number[] = [];
    const expired = new OutboxRelay<Row>(
      t.app.orm.em,
      source('expired', async ([row]) => void sent.push(row.id)),
      t.app.logger,
    );
    expect(await expired.run()).toBe(0);
    expect(sent).toEqual([]);
    expect((await rowsOf('expired')).map((r) => [r.status, r.attempts])).toEqual([
      ['EXPIRED', 0],
      ['EXPIRED', 0],
    ]);

    // The row is delivered by another path while the relay's own delivery fails: the relay's
    // backoff does not bring it back.
    const fast = new OutboxRelay<Row>(
      t.app.orm.em,
      source('fast', async (rows) => {
        await fast.markDelivered(rows.map((r) => r.id));
        throw new Error('late failure');
      }),
      t.app.logger,
    );
    expect(await fast.run()).toBe(0);
    const [row] = await rowsOf('fast');
    expect(row).toMatchObject({ status: 'SENT', attempts: 0, last_error: null });
  });
});
