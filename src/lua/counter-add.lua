-- Adds to a live stock counter only if it exists. A missing counter is rebuilt from MySQL on
-- its next read, and MySQL already has the change, so creating it here would count it twice.
-- KEYS[1]  the counter (sale:{productId}:stock)
-- ARGV[1]  units to add (negative removes)
-- Returns  the new value, or -1 when the counter is missing
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return -1
