-- Marks a held reservation paid, atomically against a racing release: exactly one of them wins.
-- KEYS[1]  reservation record sale:{p}:res:<reservationId>
-- then three keys per product of the reservation: holdqty, holds, paidqty
--   (paidqty: reservationId -> units paid but not yet written as an order)
-- ARGV: reservationId, paymentId, userId, keepMs (record TTL from now)
-- Returns {'OK'}, {'MISSING'} (no such reservation of this member), {'EXPIRED'} (hold time is
-- over; the caller releases it) or {<status>} when it is no longer HELD.
local rid, paymentId, user, keepMs = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local rec = redis.call('HMGET', KEYS[1], 'user', 'status', 'exp')
if not rec[1] or rec[1] ~= user then return {'MISSING'} end
if rec[2] ~= 'HELD' then return {rec[2]} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(rec[3]) then return {'EXPIRED'} end
for i = 2, #KEYS, 3 do
  local qty = redis.call('HGET', KEYS[i], rid)
  redis.call('HDEL', KEYS[i], rid)
  redis.call('ZREM', KEYS[i + 1], rid)
  if qty then redis.call('HSET', KEYS[i + 2], rid, qty) end
end
redis.call('HSET', KEYS[1], 'status', 'PAID', 'paymentId', paymentId, 'paidAt', now)
redis.call('PEXPIRE', KEYS[1], keepMs)
return {'OK'}
