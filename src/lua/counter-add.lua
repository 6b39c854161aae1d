-- Adds to a live stock counter only if it exists. A missing counter is rebuilt from MySQL on
-- its next read, and MySQL already has the change, so creating it here would count it twice.
-- With guard '1', a removal that would take the counter below zero is refused: the counter is
-- MySQL stock minus units held and paid-but-unwritten, so below zero means cutting into those.
-- KEYS[1]  the counter (sale:{productId}:stock)
-- ARGV[1]  units to add (negative removes)
-- ARGV[2]  guard ('1' refuses to go below zero; optional)
-- Returns  the new value, -1 when the counter is missing, -2 when the guard refused (unchanged)
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
local delta = tonumber(ARGV[1])
if ARGV[2] == '1' and tonumber(current) + delta < 0 then return -2 end
return redis.call('INCRBY', KEYS[1], delta)
