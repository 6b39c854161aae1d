import { describe, expect, it } from '@jest/globals';
import { PaymentStatus } from '../../entities/payment.entity';
import { PAYMENT_TRANSITIONS, transition } from './payment-table';

describe('payments status machine', () => {
  it('allows exactly these moves', () => {
    const moves = Object.entries(PAYMENT_TRANSITIONS).flatMap(([from, to]) =>
      to.map((t) => `${from}→${t}`),
    );
    expect(moves.sort()).toEqual(
      [
        'PENDING→PAID',
        'PENDING→DECLINED',
        'PENDING→VOID',
        'PAID→REFUNDING',
        'REFUNDING→REFUNDED',
      ].sort(),
    );
  });

  it('builds a guarded update for an allowed move and refuses any other', () => {
    expect(
      transition(PaymentStatus.PAID, PaymentStatus.REFUNDING, {
        alias: 'p',
        set: 'p.refund_amount = p.amount',
        where: 'p.id = ?',
      }),
    ).toBe(
      "set p.status = 'REFUNDING', p.refund_amount = p.amount where (p.id = ?) and p.status = 'PAID'",
    );
    expect(() => transition(PaymentStatus.VOID, PaymentStatus.PAID, { where: 'id = ?' })).toThrow(
      'no transition VOID → PAID',
    );
    expect(() =>
      transition(PaymentStatus.REFUNDED, PaymentStatus.REFUNDING, { where: 'id = ?' }),
    ).toThrow();
  });
});
