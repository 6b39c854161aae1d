-- The anti-hoarding gate a purchase passes before reserve.lua, in the member's own slot:
-- a fixed-window purchase rate limit, a cap on the member's open holds, and the member-wide
-- binding of the purchase's idempotency key to its input.
-- KEYS[1] the member's open holds (zset: reservation id -> hold end ms)  holds:{m<uid>}
-- KEYS[2] the member's purchase counter of the current window            rate:{m<uid>}:purchase
-- KEYS[3] the idempotency key's member-wide record (-> input fingerprint)  idem:{m<uid>}:<key>
-- ARGV: mode ('check' | 'add'), reservationId, hold end ms (add), cap, rate points, rate window ms,
--   input fingerprint (check), the key record's life in ms (check: a refusal's; add: an accepted
--   reservation's)
-- 'check' (before reserve.lua) counts the call and answers {'RATE', msUntilWindowEnds} or
-- {'HOLDS', openHolds, earliestEndMs}, or binds the key (SET NX GET) and answers
-- {'OK', the fingerprint it was bound to before, or '' when this call bound it}.
-- 'add' (after an accepted reservation) records the hold and keeps the key record for its life.
-- A check does not claim a slot, so refused purchases never crowd a member out; a burst of
-- concurrent purchases may pass the check together (the rate limit bounds it).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] == 'add' then
  redis.call('ZADD', KEYS[1], tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], math.max(tonumber(ARGV[3]), now) + 60000)
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[8]))
  return {'OK'}
end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[6])) end
if n > tonumber(ARGV[5]) then return {'RATE', redis.call('PTTL', KEYS[2])} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = redis.call('ZCARD', KEYS[1])
if open >= tonumber(ARGV[4]) then
  return {'HOLDS', open, tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])}
end
local before = redis.call('SET', KEYS[3], ARGV[7], 'PX', tonumber(ARGV[8]), 'NX', 'GET')
return {'OK', before or ''}
