import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  backoffMs,
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
    orderBy: 'id',
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
    // More than one relay took part.
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
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
