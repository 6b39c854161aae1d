-- Joins a member to a product's waiting room: one place per member, the same on every device and
-- retry. Before the sale starts (the pre-queue) a join is an entry of the draw; from the start a
-- join is a ticket behind every entry, chained into lateHash. Refuses once the room is closed,
-- including the moment free stock is 0.
-- KEYS[1] room hash  KEYS[2] tickets hash  KEYS[3] stock counter  KEYS[4] holdqty
-- KEYS[5] used-proof key (sale:{p}:wr:pow:<signature>), or the room hash when no proof is given
-- KEYS[6] pre-queue entries hash (entryId -> member)  KEYS[7] late joins list (entry ids)
-- ARGV: member, proof ('need': a proof is required but none came; 'skip': no proof required;
--   else the ms the verified proof must stay marked as used), a new entry id (the receipt)
-- Returns {'EXISTS', ticket, served}, {'TICKET', ticket, served},
-- {'ENTERED', entryId, entrants, seedCommit ('' when the room hash predates it)} (also for an
-- existing entry), {'CLOSED', reason}, {'NEED_PROOF', queueLength}, {'REPLAY'},
-- {'NO_ROOM'} or {'NO_STOCK'} (counter missing: the caller builds it and asks again).
local r = redis.call('HMGET', KEYS[1], 'mode', 'opensAt', 'startsAt', 'endsAt', 'pausedReason',
  'served', 'tail', 'entrants', 'frozen', 'seedCommit')
if not r[1] then return {'NO_ROOM'} end
local served, tail = tonumber(r[6]) or 0, tonumber(r[7]) or 0
local held = redis.call('HGET', KEYS[2], ARGV[1])
local have = tonumber(held)
if have then return {'EXISTS', have, served} end
if held and string.sub(held, 1, 2) == 'P:' then
  return {'ENTERED', string.sub(held, 3), tonumber(r[8]) or 0, r[10] or ''}
end
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
if ARGV[2] == 'need' then
  return {'NEED_PROOF', open and (tail - served) or (tonumber(r[8]) or 0)}
end
if ARGV[2] ~= 'skip' then
  if not redis.call('SET', KEYS[5], 1, 'NX', 'PX', tonumber(ARGV[2])) then return {'REPLAY'} end
end
if not open then
  redis.call('HSET', KEYS[2], ARGV[1], 'P:' .. ARGV[3], ARGV[1] .. ':e', ARGV[3])
  redis.call('HSET', KEYS[6], ARGV[3], ARGV[1])
  return {'ENTERED', ARGV[3], redis.call('HINCRBY', KEYS[1], 'entrants', 1), r[10] or ''}
end
-- The sale has started: a room with a pre-queue freezes its entries first (tickets 1..N are the
-- draw's), so late joiners start at N+1.
if opensAt and r[9] ~= '1' then
  tail = tonumber(r[8]) or 0
  redis.call('HSET', KEYS[1], 'frozen', 1, 'tail', tail)
end
local ticket = redis.call('HINCRBY', KEYS[1], 'tail', 1)
redis.call('HSET', KEYS[2], ARGV[1], ticket, ARGV[1] .. ':e', ARGV[3])
redis.call('RPUSH', KEYS[7], ARGV[3])
local h = redis.sha1hex((redis.call('HGET', KEYS[1], 'lateHash') or '') .. '|' .. ticket .. '|' .. ARGV[3])
redis.call('HSET', KEYS[1], 'lateHash', h)
return {'TICKET', ticket, served}
