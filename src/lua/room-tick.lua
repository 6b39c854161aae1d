-- A waiting room's tick: works out its state, admits the next cohort and publishes one frame.
-- KEYS[1] room hash  sale:{p}:wr     KEYS[2] stock counter   KEYS[3] holdqty   KEYS[4] holds
-- KEYS[5] ticks zset (cohorts by last ticket admitted)      KEYS[6] cohorts zset (by time)
-- KEYS[7] skip zset (tickets of members who left)           KEYS[8] tick lock
-- ARGV: mode ('tick' | 'touch' | 'snapshot'), tickMs, channel, publish command, productId
-- 'tick' (the worker, once per tickMs across every worker: the lock) admits and publishes a frame;
-- 'touch' (after a purchase emptied the stock, a release, an admin change) publishes only when the
-- state changed, marked urgent; 'snapshot' answers the last frame (making one if there is none).
-- Admission (docs/waiting-room.md): k = clamp(ceil(f*S) - P, 0, maxPerTick, tail - served), where
-- S is free stock, f = 1/rhat clamped to [1, fMax] (rhat: smoothed share of admitted members who
-- reserved) and P the admitted members younger than graceMs who have not reserved yet.
-- Returns {'FRAME', json, k, lapsed}, {'SAME', state, k, lapsed} (lapsed: admitted members whose
-- window ended unused), {'LOCKED'}, {'MISSING'} or {'NO_STOCK'}.
local mode, tickMs = ARGV[1], tonumber(ARGV[2])
local wr = KEYS[1]
if mode == 'snapshot' then
  local f = redis.call('HGET', wr, 'frame')
  if f then return {'FRAME', f, 0} end
end
if redis.call('EXISTS', wr) == 0 then return {'MISSING'} end
if mode == 'tick' and not redis.call('SET', KEYS[8], 1, 'NX', 'PX', math.max(1, tickMs - 20)) then
  return {'LOCKED'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = redis.call('HMGET', wr, 'state', 'mode', 'opensAt', 'startsAt', 'endsAt', 'served',
  'tail', 'admMs', 'graceMs', 'maxPerTick', 'pausedReason', 'rhat', 'rate', 'rateFast', 'payRate',
  'fMax', 'holdMs', 'frozen', 'sealed', 'entrants', 'limit', 'lateHash', 'entriesRoot')
local prev = r[1]
local opensAt, startsAt, endsAt = tonumber(r[3]), tonumber(r[4]), tonumber(r[5])
local served, tail = tonumber(r[6]) or 0, tonumber(r[7]) or 0
local admMs, graceMs = tonumber(r[8]) or 90000, tonumber(r[9]) or 20000
local v = redis.call('GET', KEYS[2])
local S = tonumber(v or '0')
local H = redis.call('HLEN', KEYS[3])

local state
if r[11] and r[11] ~= '' then state = 'PAUSED'
elseif endsAt and now >= endsAt then state = 'ENDED'
elseif opensAt and now < opensAt then state = 'SCHEDULED'
elseif startsAt and now < startsAt then state = opensAt and 'PREQUEUE' or 'SCHEDULED'
elseif opensAt and r[19] ~= '1' then
  -- A pre-queue room at its start: freeze the entries (late joiners start at N+1), then wait for
  -- the worker to write the draw's tickets 1..N (SEALING until then).
  state = 'SEALING'
  if r[18] ~= '1' then
    tail = tonumber(r[20]) or 0
    redis.call('HSET', wr, 'frozen', 1, 'tail', tail)
  end
elseif not v then return {'NO_STOCK'}
elseif S > 0 then state = 'OPEN'
elseif H > 0 then state = 'ALL_IN_CARTS'
else state = 'SOLD_OUT' end

-- (1) cohorts whose admission window is over: fold their show-up share into rhat, forget them
local rhat, lapsed = tonumber(r[12]) or 1, 0
for _, c in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now - admMs)) do
  local nc = redis.call('HMGET', wr, 'n:' .. c, 'c:' .. c)
  local size, left = tonumber(nc[1]) or 0, tonumber(nc[2]) or 0
  lapsed = lapsed + math.max(left, 0)
  if size > 0 then rhat = 0.8 * rhat + 0.2 * ((size - math.max(left, 0)) / size) end
  redis.call('HDEL', wr, 'n:' .. c, 'c:' .. c)
  redis.call('ZREM', KEYS[6], c)
end
-- (2) fresh admissions not yet used (RAFFLE: every admission still open, so that no admitted
-- member can meet SOLD_OUT)
local raffle = r[2] == 'RAFFLE'
local P = 0
for _, c in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], now - (raffle and admMs or graceMs), '+inf')) do
  P = P + math.max(0, tonumber(redis.call('HGET', wr, 'c:' .. c) or '0'))
end
-- (3) how many to admit
local fMax = tonumber(r[16]) or 2
local f = math.min(fMax, math.max(1, 1 / math.max(rhat, 0.01)))
local k, upto = 0, served
if mode == 'tick' and state == 'OPEN' then
  local want = math.ceil(f * S) - P
  if raffle then want = math.floor(S / (tonumber(r[21]) or 1)) - P end
  k = math.max(0, math.min(want, tonumber(r[10]) or 200, tail - served))
  if k > 0 then
    -- (4) jump over tickets of members who left, without walking the queue
    upto = served + k
    local extra = redis.call('ZCOUNT', KEYS[7], served + 1, upto)
    while extra > 0 and upto < tail do
      local from = upto + 1
      upto = math.min(tail, upto + extra)
      extra = redis.call('ZCOUNT', KEYS[7], from, upto)
    end
    local c = redis.call('HINCRBY', wr, 'cohorts', 1)
    redis.call('HSET', wr, 'served', upto, 'n:' .. c, k, 'c:' .. c, k)
    redis.call('ZADD', KEYS[5], upto, c .. ':' .. now)
    redis.call('ZADD', KEYS[6], now, c)
  end
end
local rate, rateFast = tonumber(r[13]) or 0, tonumber(r[14]) or 0
if mode == 'tick' then
  local perMinute = k * 60000 / tickMs
  rate, rateFast = 0.9 * rate + 0.1 * perMinute, 0.5 * rateFast + 0.5 * perMinute
end
redis.call('HSET', wr, 'rhat', rhat, 'rate', rate, 'rateFast', rateFast, 'state', state)

-- (5) cutoff and next chance while every unit is in a cart
local cutoff, nextReturn
if state == 'ALL_IN_CARTS' then
  cutoff = upto + math.ceil(f * (1 - (tonumber(r[15]) or 0.8)) * H)
  nextReturn = tonumber(redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')[2])
end
local changed = state ~= prev
if mode == 'touch' and not changed then return {'SAME', state, k, lapsed} end
if mode == 'tick' and not changed and (state == 'SCHEDULED' or state == 'SOLD_OUT' or state == 'ENDED') then
  -- quiet states: a heartbeat frame every tenth tick
  if redis.call('HINCRBY', wr, 'quiet', 1) % 10 ~= 0 then return {'SAME', state, k, lapsed} end
end

-- (6) one frame, the same bytes for every watcher
local inCarts = 0
for _, q in ipairs(redis.call('HVALS', KEYS[3])) do inCarts = inCarts + tonumber(q) end
local left = redis.call('ZCOUNT', KEYS[7], upto + 1, '+inf')
local version = redis.call('HINCRBY', wr, 'version', 1)
local frame = cjson.encode({
  productId = tonumber(ARGV[5]), version = version, state = state, mode = r[2] or 'FIFO',
  serverTime = now, preQueueOpensAt = opensAt, opensAt = startsAt, endsAt = endsAt,
  servedThrough = upto, lastTicket = tail, queueLength = math.max(0, tail - upto - left),
  remaining = math.max(S, 0), inCarts = inCarts, cutoffTicket = cutoff, nextReturnAt = nextReturn,
  admitPerMinute = math.floor(rate * 10 + 0.5) / 10,
  admitPerMinuteLow = math.floor(math.min(rate, rateFast) * 10 + 0.5) / 10,
  admitPerMinuteHigh = math.floor(math.max(rate, rateFast) * 10 + 0.5) / 10,
  admissionSeconds = math.floor(admMs / 1000), holdSeconds = math.floor((tonumber(r[17]) or 0) / 1000),
  pausedReason = (state == 'PAUSED') and r[11] or nil, urgent = changed,
  entrants = tonumber(r[20]) or 0, entriesRoot = r[23], lateHash = r[22],
})
redis.call('HSET', wr, 'frame', frame)
redis.call(ARGV[4], ARGV[3], frame)
return {'FRAME', frame, k, lapsed}
