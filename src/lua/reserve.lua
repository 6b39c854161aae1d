-- Reserves units of one or more products for one member, atomically.
-- KEYS[1]  idempotency record  sale:{p}:idem:<user>:<key>   (p = first product of the purchase)
-- KEYS[2]  reservation record  sale:{p}:res:<reservationId>
-- then five keys per product i, in ARGV order:
--   stock (live remaining), meta (sale window/limit/price hash), bought (user -> lifetime units),
--   holdqty (reservationId -> held units), holds (zset reservationId -> hold expiry ms)
-- ARGV: userId, reservationId, fingerprint (canonical input), holdMs, keepMs (record TTL),
--       idemMs (idempotency TTL), then productId, quantity per product
-- Server time is Redis TIME, so every API instance agrees on the sale window and expiries.
-- Returns one of:
--   {'OK', reservationId, holdExpiresAtMs, totalAmount, items ('pid:qty:unitPrice,...')}
--   {'DUP', reservationId}            same key, same input: the earlier reservation
--   {'IDEM_CONFLICT'}                 same key, other input
--   {'NO_META', i} / {'NO_STOCK', i}  cache missing: the caller rebuilds it from MySQL and retries
--   {'GONE', i}                       product deleted
--   {'NOT_STARTED', i, startMs, endMs} / {'ENDED', i, startMs, endMs}
--   {'LIMIT', i, unitsLeft}           lifetime per-member limit
--   {'SOLD_OUT', i, remaining}
local user, rid, fp = ARGV[1], ARGV[2], ARGV[3]
local holdMs, keepMs, idemMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local n = (#ARGV - 6) / 2

local seen = redis.call('GET', KEYS[1])
if seen then
  local sep = string.find(seen, '|', 1, true)
  if string.sub(seen, sep + 1) == fp then return {'DUP', string.sub(seen, 1, sep - 1)} end
  return {'IDEM_CONFLICT'}
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local qtys, prices = {}, {}
for i = 1, n do
  local base = 2 + (i - 1) * 5
  local qty = tonumber(ARGV[6 + i * 2])
  local meta = redis.call('HMGET', KEYS[base + 2], 'start', 'end', 'limit', 'price', 'deleted')
  if not meta[4] then return {'NO_META', i} end
  if meta[5] == '1' then return {'GONE', i} end
  local start, stop = tonumber(meta[1]), tonumber(meta[2])
  if start and now < start then return {'NOT_STARTED', i, start, stop or -1} end
  if stop and now >= stop then return {'ENDED', i, start or -1, stop} end
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
local exp = now + holdMs
local out = {'OK', rid, exp, 0, ''}
local items, total = {}, 0
for i = 1, n do
  local base = 2 + (i - 1) * 5
  local pid = ARGV[5 + i * 2]
  redis.call('DECRBY', KEYS[base + 1], qtys[i])
  redis.call('HINCRBY', KEYS[base + 3], user, qtys[i])
  redis.call('HSET', KEYS[base + 4], rid, qtys[i])
  redis.call('ZADD', KEYS[base + 5], exp, rid)
  items[i] = pid .. ':' .. qtys[i] .. ':' .. prices[i]
  total = total + qtys[i] * prices[i]
end
local encoded = table.concat(items, ',')
out[4], out[5] = total, encoded
redis.call('HSET', KEYS[2], 'user', user, 'status', 'HELD', 'exp', exp, 'created', now,
  'items', encoded, 'total', total)
redis.call('PEXPIRE', KEYS[2], keepMs)
redis.call('SET', KEYS[1], rid .. '|' .. fp, 'PX', idemMs)
return out
