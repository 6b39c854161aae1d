-- Reserves units of one or more products for one member, atomically.
-- KEYS[1]  idempotency record  sale:{p}:idem:<user>:<key>   (p = first product of the purchase)
-- KEYS[2]  reservation record  sale:{p}:res:<reservationId>
-- then eight keys per product i, in ARGV order:
--   stock (live remaining), meta (sale window/limit/price hash), bought (user -> lifetime units),
--   holdqty (reservationId -> held units), holds (zset reservationId -> hold expiry ms),
--   room (waiting room hash), room tickets (member -> ticket), room ticks (zset: cohorts by the
--   last ticket they admitted, member '<cohort>:<servedAtMs>')
-- A product whose meta has room = '1' sells only to members its waiting room has admitted: the
-- member's ticket is at most the room's servedThrough and its cohort's admission window is open.
-- Checked after the sale window and before the limit, in the same step that takes the stock.
-- ARGV: userId, reservationId, fingerprint (canonical input), holdMs, keepMs (record TTL),
--       idemMs (idempotency TTL), then productId, quantity per product
-- Server time is Redis TIME, so every API instance agrees on the sale window and expiries.
-- Returns one of:
--   {'OK', reservationId, holdExpiresAtMs, totalAmount, items ('pid:qty:unitPrice,...'),
--    emptied room products, createdAtMs}
--   {'DUP', reservationId}            same key, same input: the earlier reservation
--   {'IDEM_CONFLICT'}                 same key, other input
--   {'NO_META', i} / {'NO_STOCK', i}  cache missing: the caller rebuilds it from MySQL and retries
--   {'GONE', i}                       product deleted
--   {'NOT_STARTED', i, startMs, endMs} / {'ENDED', i, startMs, endMs}
--   {'LIMIT', i, unitsLeft}           lifetime per-member limit
--   {'SOLD_OUT', i, remaining}
--   {'NOT_ADMITTED', i, ticket (-1: none), servedThrough}
--   {'ADMISSION_EXPIRED', i, windowEndMs}
--   {'ROOM_MISSING', i}               the room's Redis state is gone: fail closed
-- An OK reply also carries the ids (comma-separated) of room products this purchase left at 0,
-- then the reservation's creation time (ms).
local user, rid, fp = ARGV[1], ARGV[2], ARGV[3]
local holdMs, keepMs, idemMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local n = (#ARGV - 6) / 2
local K = 8

local seen = redis.call('GET', KEYS[1])
if seen then
  local sep = string.find(seen, '|', 1, true)
  if string.sub(seen, sep + 1) == fp then return {'DUP', string.sub(seen, 1, sep - 1)} end
  return {'IDEM_CONFLICT'}
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local qtys, prices, cohorts = {}, {}, {}
local hold, ticketOf = holdMs, ''
for i = 1, n do
  local base = 2 + (i - 1) * K
  local qty = tonumber(ARGV[6 + i * 2])
  local meta = redis.call('HMGET', KEYS[base + 2], 'start', 'end', 'limit', 'price', 'deleted', 'room', 'hold')
  if not meta[4] then return {'NO_META', i} end
  if meta[5] == '1' then return {'GONE', i} end
  local start, stop = tonumber(meta[1]), tonumber(meta[2])
  if start and now < start then return {'NOT_STARTED', i, start, stop or -1} end
  if stop and now >= stop then return {'ENDED', i, start or -1, stop} end
  if meta[6] == '1' then
    local room = redis.call('HMGET', KEYS[base + 6], 'state', 'served', 'admMs')
    if not room[1] then return {'ROOM_MISSING', i} end
    local served = tonumber(room[2]) or 0
    local ticket = tonumber(redis.call('HGET', KEYS[base + 7], user))
    if room[1] == 'PAUSED' or not ticket or ticket > served then
      return {'NOT_ADMITTED', i, ticket or -1, served}
    end
    local t = redis.call('ZRANGEBYSCORE', KEYS[base + 8], ticket, '+inf', 'LIMIT', 0, 1)[1]
    if not t then return {'NOT_ADMITTED', i, ticket, served} end
    local sep = string.find(t, ':', 1, true)
    local untilMs = tonumber(string.sub(t, sep + 1)) + tonumber(room[3])
    if now >= untilMs then return {'ADMISSION_EXPIRED', i, untilMs} end
    cohorts[i] = string.sub(t, 1, sep - 1)
    if ticketOf == '' then ticketOf = ticket .. ':' .. cohorts[i] end
    local roomHold = tonumber(meta[7])
    if roomHold and roomHold < hold then hold = roomHold end
  end
  local limit = tonumber(meta[3])
  if limit then
    if redis.call('EXISTS', KEYS[base + 3]) == 0 then return {'NO_META', i} end
    local bought = tonumber(redis.call('HGET', KEYS[base + 3], user) or '0')
    if bought + qty > limit then
      local left = limit - bought
      if left < 0 then left = 0 end
      return {'LIMIT', i, left}
    end
  end
  local stock = redis.call('GET', KEYS[base + 1])
  if not stock then return {'NO_STOCK', i} end
  if tonumber(stock) < qty then return {'SOLD_OUT', i, tonumber(stock)} end
  qtys[i], prices[i] = qty, tonumber(meta[4])
end

-- Every check passed: apply.
local exp = now + hold
local out = {'OK', rid, exp, 0, '', '', now}
local items, total, emptied = {}, 0, {}
for i = 1, n do
  local base = 2 + (i - 1) * K
  local pid = ARGV[5 + i * 2]
  local left = redis.call('DECRBY', KEYS[base + 1], qtys[i])
  if cohorts[i] then
    -- First use of this admission: one fewer undecided member in its cohort (the tick's estimate).
    if redis.call('HSETNX', KEYS[base + 7], user .. ':u', 1) == 1
      and redis.call('HEXISTS', KEYS[base + 6], 'c:' .. cohorts[i]) == 1 then
      redis.call('HINCRBY', KEYS[base + 6], 'c:' .. cohorts[i], -1)
    end
    if left <= 0 then emptied[#emptied + 1] = pid end
  end
  redis.call('HINCRBY', KEYS[base + 3], user, qtys[i])
  redis.call('HSET', KEYS[base + 4], rid, qtys[i])
  redis.call('ZADD', KEYS[base + 5], exp, rid)
  items[i] = pid .. ':' .. qtys[i] .. ':' .. prices[i]
  total = total + qtys[i] * prices[i]
end
local encoded = table.concat(items, ',')
out[4], out[5], out[6] = total, encoded, table.concat(emptied, ',')
redis.call('HSET', KEYS[2], 'user', user, 'status', 'HELD', 'exp', exp, 'created', now,
  'items', encoded, 'total', total)
-- The evidence of admission, for the audit: '<ticket>:<cohort>' of the first room product.
if ticketOf ~= '' then redis.call('HSET', KEYS[2], 'admission', ticketOf) end
redis.call('PEXPIRE', KEYS[2], keepMs)
redis.call('SET', KEYS[1], rid .. '|' .. fp, 'PX', idemMs)
return out
