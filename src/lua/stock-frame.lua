-- Publishes a product's live stock to its stockChanged channel, at most once per frame across
-- every API instance. Whoever publishes calls again after the frame, so the last frame always
-- carries the final value.
-- KEYS[1] stock counter, KEYS[2] meta hash, KEYS[3] frame lock, KEYS[4] last published value
-- ARGV: frameMs, channel (already carrying the key prefix: channels are not prefixed), productId
-- Returns the published remaining count, -1 when another frame is open, -2 when nothing changed.
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local v = redis.call('GET', KEYS[1])
if not v then return -2 end
if redis.call('GET', KEYS[4]) == v then return -2 end
redis.call('SET', KEYS[3], 1, 'PX', tonumber(ARGV[1]))
redis.call('SET', KEYS[4], v, 'EX', 86400)
local remaining = tonumber(v)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local meta = redis.call('HMGET', KEYS[2], 'start', 'end')
local state = 'LIVE'
if tonumber(meta[1]) and now < tonumber(meta[1]) then state = 'UPCOMING'
elseif tonumber(meta[2]) and now >= tonumber(meta[2]) then state = 'ENDED'
elseif remaining <= 0 then state = 'SOLD_OUT' end
redis.call('PUBLISH', ARGV[2], cjson.encode({
  productId = tonumber(ARGV[3]), remaining = remaining, saleState = state, soldOut = remaining <= 0,
}))
return remaining
