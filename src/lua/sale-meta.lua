-- Caches a product's sale metadata (read by reserve.lua) and, when missing, its buyers' lifetime
-- unit counts, both rebuilt from MySQL.
-- KEYS[1]  meta hash   sale:{p}:meta    (start, end: epoch ms or ''; limit or ''; price; deleted;
--          room: '1' when a waiting room governs the product; hold: the room's hold ms or '')
-- KEYS[2]  bought hash sale:{p}:bought  (userId -> units; field '_' marks it as built)
-- KEYS[3]  metadata version sale:{p}:metaver (grows at every invalidation, on any instance)
-- ARGV: ttlMs, start, end, limit, price, deleted, room, hold, the version read before the product
--       was, then userId, units pairs
-- Returns 1 when the bought counts were (re)built, 0 when they already existed, -1 (nothing
-- written) when the metadata was invalidated since the load read its version: what it read may
-- be the old product.
if tonumber(redis.call('GET', KEYS[3]) or '0') ~= tonumber(ARGV[9]) then return -1 end
redis.call('HSET', KEYS[1], 'start', ARGV[2], 'end', ARGV[3], 'limit', ARGV[4], 'price', ARGV[5], 'deleted', ARGV[6], 'room', ARGV[7], 'hold', ARGV[8])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], '_', 1)
for i = 10, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], tonumber(ARGV[i + 1])) end
return 1
