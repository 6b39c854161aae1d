-- Records a product's sale state for the public dropLifecycle subscription and, when the state
-- changed, stores the next frame with the event the change means. Several workers watch the same
-- products: this compare-and-set makes exactly one of them announce each change.
-- KEYS[1]  the lifecycle hash (drop:{productId}:lifecycle): state, version, frame
-- ARGV[1]  the sale state now (UPCOMING, LIVE, SOLD_OUT, ENDED)
-- ARGV[2]  the frame as JSON, without its event and version
-- ARGV[3]  an event to announce even if the state did not change (RESTOCKED while live), or ''
-- Returns  the stored frame's JSON, or false when nothing is announced. The first state seen is
--          recorded without a frame (unless ARGV[3] says what happened): no one saw it change.
local previous = redis.call('HGET', KEYS[1], 'state')
local state = ARGV[1]
redis.call('HSET', KEYS[1], 'state', state)
local event
if previous == false or previous == state then
  if ARGV[3] == '' then return false end
  event = ARGV[3]
elseif state == 'LIVE' then
  event = previous == 'SOLD_OUT' and 'RESTOCKED' or 'SALE_OPENED'
elseif state == 'SOLD_OUT' then
  event = 'SOLD_OUT'
elseif state == 'ENDED' then
  event = 'SALE_ENDED'
else
  event = 'SALE_RESCHEDULED'
end
local frame = cjson.decode(ARGV[2])
frame['event'] = event
frame['version'] = redis.call('HINCRBY', KEYS[1], 'version', 1)
local json = cjson.encode(frame)
redis.call('HSET', KEYS[1], 'frame', json)
return json
