-- Publishes a product's live stock to its stockChanged channel, at most once per frame across
-- every instance, and answers the current frame to a new subscriber.
-- Every published frame carries the product's next version (an INCR that is never reset), so
-- versions only grow and one version always means one value. Whoever is refused by an open
-- frame calls again after it, so the last frame always carries the final value. A frame that
-- ends the sale (SOLD_OUT, ENDED) or says every unit is in a cart (ALL_IN_CARTS) does not wait.
-- KEYS[1] stock counter, KEYS[2] meta hash, KEYS[3] frame lock, KEYS[4] last frame (hash: body,
--   frame), KEYS[5] version counter, KEYS[6] holdqty (reservations holding units)
-- ARGV: frameMs, channel (already carrying the key prefix: channels are not prefixed), productId,
--   mode ('frame' or 'snapshot'), publish command ('PUBLISH', or 'SPUBLISH' on a Redis Cluster:
--   the channel carries the product's hash tag, so it is on this shard), and for 'snapshot' the
--   sale window start and end (epoch ms or '')
-- Returns in 'frame' mode the published remaining count, -1 when another frame is open, -2 when
-- nothing changed; in 'snapshot' mode the current frame (JSON), or -2 when the counter is missing.
local mode = ARGV[4]
local v = redis.call('GET', KEYS[1])
if not v then return -2 end
local remaining = tonumber(v)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local startAt, endAt
if mode == 'snapshot' then
  startAt, endAt = tonumber(ARGV[6]), tonumber(ARGV[7])
else
  local meta = redis.call('HMGET', KEYS[2], 'start', 'end')
  startAt, endAt = tonumber(meta[1]), tonumber(meta[2])
end
local state = 'LIVE'
if startAt and now < startAt then state = 'UPCOMING'
elseif endAt and now >= endAt then state = 'ENDED'
elseif remaining <= 0 then
  -- Every unit gone: ALL_IN_CARTS while some are held (and may come back), then SOLD_OUT.
  state = redis.call('HLEN', KEYS[6]) > 0 and 'ALL_IN_CARTS' or 'SOLD_OUT'
end
local body = remaining .. ':' .. state
local last = redis.call('HMGET', KEYS[4], 'body', 'frame')
if last[1] == body then
  if mode == 'snapshot' then return last[2] end
  return -2
end
local open = redis.call('EXISTS', KEYS[3]) == 1
if open then
  -- The open frame's follower publishes the change; a new subscriber gets the last frame now.
  if mode == 'snapshot' and last[2] then return last[2] end
  if mode ~= 'snapshot' and state ~= 'SOLD_OUT' and state ~= 'ENDED' and state ~= 'ALL_IN_CARTS' then
    return -1
  end
end
redis.call('SET', KEYS[3], 1, 'PX', tonumber(ARGV[1]))
local version = redis.call('INCR', KEYS[5])
local frame = cjson.encode({
  productId = tonumber(ARGV[3]), remaining = remaining, saleState = state, soldOut = remaining <= 0,
  version = version,
})
redis.call('HSET', KEYS[4], 'body', body, 'frame', frame)
redis.call('EXPIRE', KEYS[4], 86400)
redis.call(ARGV[5], ARGV[2], frame)
if mode == 'snapshot' then return frame end
return remaining
