-- After orders are committed in MySQL: their units leave one product's "paid, not yet written"
-- entries, and the reservations (of that product's slot) whose orders were written get their
-- order id, with the paid record's TTL renewed. One call per product and batch, instead of three
-- commands per order.
-- KEYS[1]  paidqty of one product (reservationId -> units paid but not yet written)
-- KEYS[2..] reservation records sale:{p}:res:<reservationId>, in the same slot
-- ARGV: keepMs, n, then n reservation ids to drop from paidqty, then one order id per KEYS[2..]
-- Returns the number of paidqty entries removed.
local keepMs, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local removed = 0
for i = 3, 2 + n, 1000 do
  removed = removed + redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(2 + n, i + 999)))
end
for k = 2, #KEYS do
  redis.call('HSET', KEYS[k], 'orderId', ARGV[2 + n + k - 1])
  redis.call('PEXPIRE', KEYS[k], keepMs)
end
return removed
