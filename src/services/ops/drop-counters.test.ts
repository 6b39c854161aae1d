import { DropCounters } from './drop-counters';

describe('DropCounters', () => {
  it('counts purchases and pays per product, refusals by reason', () => {
    const counters = new DropCounters();
    counters.purchase([1]);
    counters.purchase([1, 2, 1], 'SOLD_OUT');
    counters.pay(1);
    counters.pay(1, 'PAYMENT_DECLINED');
    expect(counters.of(1)).toEqual({
      purchases: 2,
      pays: 2,
      paid: 1,
      refusals: new Map([
        ['SOLD_OUT', 1],
        ['PAYMENT_DECLINED', 1],
      ]),
    });
    expect(counters.of(2)).toMatchObject({ purchases: 1, pays: 0 });
    expect(counters.of(3)).toMatchObject({ purchases: 0, refusals: new Map() });
  });

  it('forgets the oldest product beyond its bound', () => {
    const counters = new DropCounters();
    for (let id = 1; id <= 1001; id++) counters.purchase([id]);
    expect(counters.of(1).purchases).toBe(0);
    expect(counters.of(1001).purchases).toBe(1);
  });
});
