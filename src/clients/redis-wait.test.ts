import { keySlot } from './redis-wait';

describe('keySlot', () => {
  it('matches CLUSTER KEYSLOT, hash tags included', () => {
    // Values from redis-server 7.0's CLUSTER KEYSLOT.
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('rm:sale:{42}:stock')).toBe(8000);
    expect(keySlot('test:w5x:ps:STOCK_CHANGED:{42}')).toBe(8000);
    expect(keySlot('a{}b')).toBe(13694);
    expect(keySlot('héllo')).toBe(11061);
  });
});
