-- Gives a held reservation's units back, once: a second release (or one after payment) is a no-op.
-- KEYS[1]  reservation record sale:{p}:res:<reservationId>
-- then four keys per product of the reservation: stock, bought, holdqty, holds
-- ARGV: reservationId, final status (EXPIRED | DECLINED | CANCELLED), onlyIfDue ('1': only when the
--       hold time is over, by Redis TIME — what the sweeper asks)
-- Returns {'OK'}, {'NOT_DUE'}, or {'NOOP', <status or ''>}.
local rid, reason, onlyIfDue = ARGV[1], ARGV[2], ARGV[3] == '1'
local rec = redis.call('HMGET', KEYS[1], 'user', 'status', 'exp')
if rec[2] ~= 'HELD' then return {'NOOP', rec[2] or ''} end
if onlyIfDue then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now < tonumber(rec[3]) then return {'NOT_DUE'} end
end
for i = 2, #KEYS, 4 do
  local qty = tonumber(redis.call('HGET', KEYS[i + 2], rid) or '0')
  if qty > 0 then
    -- A missing counter is rebuilt from MySQL minus live holds; this hold is no longer one.
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], qty) end
    if redis.call('HEXISTS', KEYS[i + 1], rec[1]) == 1 then redis.call('HINCRBY', KEYS[i + 1], rec[1], -qty) end
  end
  redis.call('HDEL', KEYS[i + 2], rid)
  redis.call('ZREM', KEYS[i + 3], rid)
end
redis.call('HSET', KEYS[1], 'status', reason)
return {'OK'}
