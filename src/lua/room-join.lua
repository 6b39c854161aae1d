-- Joins a member to a product's waiting room: one ticket per member, the same on every device and
-- retry. Refuses once the room is closed, including the moment free stock is 0.
-- KEYS[1] room hash  KEYS[2] tickets hash  KEYS[3] stock counter  KEYS[4] holdqty
-- KEYS[5] used-proof key (sale:{p}:wr:pow:<signature>), or the room hash when no proof is given
-- ARGV: member, proof ('need': a proof is required but none came; 'skip': no proof required;
--   else the ms the verified proof must stay marked as used)
-- Returns {'EXISTS', ticket, served}, {'TICKET', ticket, served}, {'CLOSED', reason},
-- {'NEED_PROOF', queueLength}, {'REPLAY'}, {'NO_ROOM'} or {'NO_STOCK'} (counter missing: the
-- caller builds it and asks again).
local r = redis.call('HMGET', KEYS[1], 'mode', 'opensAt', 'startsAt', 'endsAt', 'pausedReason',
  'served', 'tail')
if not r[1] then return {'NO_ROOM'} end
local served, tail = tonumber(r[6]) or 0, tonumber(r[7]) or 0
local have = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if have then return {'EXISTS', have, served} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local opensAt, startsAt, endsAt = tonumber(r[2]), tonumber(r[3]), tonumber(r[4])
if r[5] and r[5] ~= '' then return {'CLOSED', 'PAUSED'} end
if endsAt and now >= endsAt then return {'CLOSED', 'ENDED'} end
if startsAt and now < startsAt and (not opensAt or now < opensAt) then return {'CLOSED', 'NOT_OPEN'} end
local open = not startsAt or now >= startsAt
if open and r[1] == 'RAFFLE' then return {'CLOSED', 'ENTRIES_CLOSED'} end
local free = redis.call('GET', KEYS[3])
if open and not free then return {'NO_STOCK'} end
if open and tonumber(free) <= 0 then
  if redis.call('HLEN', KEYS[4]) > 0 then return {'CLOSED', 'ALL_IN_CARTS'} end
  return {'CLOSED', 'SOLD_OUT'}
end
if ARGV[2] == 'need' then return {'NEED_PROOF', tail - served} end
if ARGV[2] ~= 'skip' then
  if not redis.call('SET', KEYS[5], 1, 'NX', 'PX', tonumber(ARGV[2])) then return {'REPLAY'} end
end
local ticket = redis.call('HINCRBY', KEYS[1], 'tail', 1)
redis.call('HSET', KEYS[2], ARGV[1], ticket)
return {'TICKET', ticket, served}
