import { pubSubChannel } from './pubsub';
import { keySlot } from './redis-wait';

describe('pubSubChannel', () => {
  it('tags the id, so a product channel hashes to the slot of its sale keys', () => {
    expect(pubSubChannel('rm:', 'STOCK_CHANGED', 42)).toBe('rm:ps:STOCK_CHANGED:{42}');
    // Publishers pass the id inside the routing key, subscribers beside it: one channel.
    expect(pubSubChannel('rm:', 'STOCK_CHANGED:42')).toBe(
      pubSubChannel('rm:', 'STOCK_CHANGED', 42),
    );
    expect(keySlot(pubSubChannel('rm:', 'STOCK_CHANGED', 42))).toBe(keySlot('rm:sale:{42}:stock'));
    expect(pubSubChannel('rm:', 'RESERVATION_CHANGED', 'r-1:x')).toBe(
      'rm:ps:RESERVATION_CHANGED:{r-1:x}',
    );
  });

  it('leaves a routing key without an id as it is', () => {
    expect(pubSubChannel('rm:', 'SESSIONS_REVOKED')).toBe('rm:ps:SESSIONS_REVOKED');
  });
});
