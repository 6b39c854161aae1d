-- Claims a held reservation for one payment attempt before the provider is charged, so that
-- concurrent pay calls make one charge: HELD -> PAYING with a lease. 'unclaim' gives the claim
-- back (the attempt never reached the provider): PAYING -> HELD.
-- KEYS[1]  reservation record sale:{p}:res:<reservationId>
-- ARGV: userId, paymentId, leaseMs, mode ('claim' | 'unclaim')
-- Claim returns {'OK', leaseUntilMs, '', record}, {'MISSING'} (no such reservation of this
-- member), {'EXPIRED', '', '', record} (hold time is over; the caller releases it), {'PAYING',
-- claimPaymentId, leaseUntilMs, record} (another attempt holds it) or {<status>, '', '', record}
-- when it is neither HELD nor PAYING; record is the reservation's fields (HGETALL) after the
-- claim, so the caller needs no read of its own. Unclaim returns {'OK', 0} or {<status>}.
local user, paymentId, leaseMs, mode = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local rec = redis.call('HMGET', KEYS[1], 'user', 'status', 'exp', 'claim', 'lease')
if not rec[1] or rec[1] ~= user then return {'MISSING'} end
if mode == 'unclaim' then
  if rec[2] == 'PAYING' and rec[4] == paymentId then
    redis.call('HSET', KEYS[1], 'status', 'HELD')
    redis.call('HDEL', KEYS[1], 'claim', 'lease')
    return {'OK', 0}
  end
  return {rec[2] or ''}
end
if rec[2] == 'PAYING' then
  return {'PAYING', rec[4] or '', rec[5] or '0', redis.call('HGETALL', KEYS[1])}
end
if rec[2] ~= 'HELD' then return {rec[2], '', '', redis.call('HGETALL', KEYS[1])} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now >= tonumber(rec[3]) then return {'EXPIRED', '', '', redis.call('HGETALL', KEYS[1])} end
local leaseUntil = now + leaseMs
redis.call('HSET', KEYS[1], 'status', 'PAYING', 'claim', paymentId, 'lease', leaseUntil)
return {'OK', leaseUntil, '', redis.call('HGETALL', KEYS[1])}
