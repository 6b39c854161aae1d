-- A member leaves a waiting room: the ticket is kept as 'L<ticket>' (never admitted again) and,
-- when not yet served, the tick jumps over it.
-- KEYS[1] room hash  KEYS[2] tickets hash  KEYS[3] skip zset
-- ARGV: member. Returns the ticket left, or 0 when the member held none.
local ticket = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if not ticket then return 0 end
local served = tonumber(redis.call('HGET', KEYS[1], 'served') or '0')
if ticket > served then redis.call('ZADD', KEYS[3], ticket, ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], 'L' .. ticket)
return ticket
