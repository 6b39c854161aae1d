-- Marks a reservation claimed by this payment (pay-claim.lua) paid, atomically against a racing
-- release: exactly one of them wins. The claim, not the hold time, decides: a release of a
-- claimed reservation waits for the end of its lease (release.lua).
-- KEYS[1]  reservation record sale:{p}:res:<reservationId>
-- then three keys per product of the reservation: holdqty, holds, paidqty
--   (paidqty: reservationId -> units paid but not yet written as an order)
-- ARGV: reservationId, paymentId, userId, keepMs (record TTL from now), restore ('1': MySQL holds
--       this payment as PAID, so the reservation is marked paid by it whatever its claim — a
--       failover lost pay.lua's write and the sweeper found it; default '0')
-- Returns {'OK'} (also when this payment had already marked it paid: a call repeated after its
-- reply was lost, e.g. in a failover), {'MISSING'} (no such reservation of this member), {'LOST'}
-- (claimed by another payment, or no longer claimed) or {<status>} when it is neither HELD nor
-- PAYING.
local rid, paymentId, user, keepMs = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local restore = ARGV[5] == '1'
local rec = redis.call('HMGET', KEYS[1], 'user', 'status', 'claim', 'paymentId')
if not rec[1] or rec[1] ~= user then return {'MISSING'} end
if rec[2] == 'PAID' and rec[4] == paymentId then return {'OK'} end
if rec[2] ~= 'PAYING' and rec[2] ~= 'HELD' then return {rec[2]} end
if not restore and (rec[2] ~= 'PAYING' or rec[3] ~= paymentId) then return {'LOST'} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #KEYS, 3 do
  local qty = redis.call('HGET', KEYS[i], rid)
  redis.call('HDEL', KEYS[i], rid)
  redis.call('ZREM', KEYS[i + 1], rid)
  if qty then redis.call('HSET', KEYS[i + 2], rid, qty) end
end
redis.call('HSET', KEYS[1], 'status', 'PAID', 'paymentId', paymentId, 'paidAt', now)
redis.call('HDEL', KEYS[1], 'claim', 'lease')
redis.call('PEXPIRE', KEYS[1], keepMs)
return {'OK'}
