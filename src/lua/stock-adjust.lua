-- Marks a product's stock adjustment (restock, cancel, return) in flight, so a forced rebuild of
-- its counter (syncStock, drift repair) never mixes a MySQL snapshot taken on one side of the
-- adjustment with a counter written on the other. An adjustment changes MySQL and the counter in
-- two steps; between 'begin' and 'end' a rebuild waits, and any adjustment that begins or ends
-- while a rebuild runs moves the sequence the rebuild checks before it writes (stock-rebuild.lua).
-- KEYS[1]  adjusting: how many adjustments are in flight (expires: a crashed one stops blocking)
-- KEYS[2]  sequence: grows at every begin and end
-- ARGV[1]  'begin' | 'end' | 'read'
-- ARGV[2]  (begin) how long, in ms, an adjustment may stay in flight
-- Returns  begin/end: the new sequence; read: the sequence, or -1 while an adjustment is in flight
local mode = ARGV[1]
if mode == 'read' then
  if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return -1 end
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
if mode == 'begin' then
  redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
elseif tonumber(redis.call('GET', KEYS[1]) or '0') > 1 then
  redis.call('DECR', KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
return redis.call('INCR', KEYS[2])
