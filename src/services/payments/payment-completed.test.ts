import { decode, encode, fromRow, type PaymentCompletedEvent } from './payment-completed';

const row = {
  id: 'p-1',
  reservation_id: '7.abc',
  user_id: '42',
  amount: '1600',
  items: '[{"productId":7,"quantity":2,"unitPrice":800}]',
  paid_at: new Date('2026-11-29T10:00:00.123Z'),
};

describe('payment.completed event', () => {
  it('has one shape from the payment row to the message and back', () => {
    const event = fromRow(row);
    expect(event).toEqual({
      paymentId: 'p-1',
      reservationId: '7.abc',
      userId: 42,
      items: [{ productId: 7, quantity: 2, unitPrice: 800 }],
      totalAmount: 1600,
      paidAt: '2026-11-29T10:00:00.123Z',
    });
    const message = encode(event);
    expect(message.key).toBe('7.abc');
    expect(decode(message.value as string)).toEqual(event);
    expect(decode(Buffer.from(message.value as string))).toEqual(event);
  });

  it('decodes nothing that is not a well-formed event', () => {
    const good: PaymentCompletedEvent = fromRow(row);
    const bad: unknown[] = [
      '{not json',
      'null',
      '"text"',
      { paymentId: 'x' },
      { ...good, paymentId: '' },
      { ...good, reservationId: 'r'.repeat(65) },
      { ...good, userId: 0 },
      { ...good, userId: '42' },
      { ...good, totalAmount: -1 },
      { ...good, items: [] },
      { ...good, items: [{ productId: 7, quantity: 0, unitPrice: 800 }] },
      { ...good, items: [null] },
    ];
    for (const value of bad)
      expect(decode(typeof value === 'string' ? value : JSON.stringify(value))).toBeNull();
    expect(decode(null)).toBeNull();
  });
});
