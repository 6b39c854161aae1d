-- Gives a reservation's units back, once: a second release is a no-op.
--   HELD: its held units (expiry, decline, cancel).
--   PAYING (claimed by a payment attempt): only by the claim's own payment, or, for the sweeper
--     (onlyIfDue), once both the hold and the claim's lease are over (an attempt that crashed).
--   PAID with reason REFUNDED: its paid units that never became an order (refunded payment).
-- KEYS[1]  reservation record sale:{p}:res:<reservationId>
-- then five keys per product of the reservation: stock, bought, holdqty, holds, paidqty
-- ARGV: reservationId, final status (EXPIRED | DECLINED | CANCELLED | REFUNDED), onlyIfDue ('1':
--       only when the hold time is over, by Redis TIME — what the sweeper asks), paymentId ('' or
--       the claim's / the paid payment's id), credit ('0': the units are not added back to the
--       live counter — a refused paid payment proves the counter too high; the caller rebuilds
--       it from MySQL instead; default '1')
-- Returns {'OK'}, {'NOT_DUE'}, {'CLAIMED'} (another attempt is paying it) or {'NOOP', <status or ''>}.
local rid, reason, onlyIfDue, paymentId = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4] or ''
local credit = ARGV[5] ~= '0'
local rec = redis.call('HMGET', KEYS[1], 'user', 'status', 'exp', 'claim', 'lease', 'paymentId')
local status = rec[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local field = 'holdqty'
if status == 'PAYING' then
  local mine = paymentId ~= '' and paymentId == rec[4]
  local due = math.max(tonumber(rec[3]), tonumber(rec[5] or '0'))
  if not mine and not (onlyIfDue and now >= due) then
    -- The sweeper looks again when the claim could be abandoned.
    if onlyIfDue then
      for i = 2, #KEYS, 5 do redis.call('ZADD', KEYS[i + 3], due, rid) end
    end
    return {'CLAIMED'}
  end
elseif status == 'PAID' and reason == 'REFUNDED' then
  if paymentId == '' or paymentId ~= rec[6] then return {'NOOP', status} end
  field = 'paidqty'
elseif status ~= 'HELD' then
  return {'NOOP', status or ''}
elseif onlyIfDue and now < tonumber(rec[3]) then
  return {'NOT_DUE'}
end
for i = 2, #KEYS, 5 do
  local from = KEYS[i + 2]
  if field == 'paidqty' then from = KEYS[i + 4] end
  local qty = tonumber(redis.call('HGET', from, rid) or '0')
  if qty > 0 then
    -- A missing counter is rebuilt from MySQL minus live holds and unwritten paid units; these
    -- units are neither any more.
    if credit and redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], qty) end
    if redis.call('HEXISTS', KEYS[i + 1], rec[1]) == 1 then redis.call('HINCRBY', KEYS[i + 1], rec[1], -qty) end
  end
  redis.call('HDEL', from, rid)
  redis.call('ZREM', KEYS[i + 3], rid)
end
redis.call('HSET', KEYS[1], 'status', reason)
redis.call('HDEL', KEYS[1], 'claim', 'lease')
return {'OK'}
