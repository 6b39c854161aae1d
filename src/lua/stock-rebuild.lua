-- (Re)builds a product's live counter: MySQL stock - live holds - paid units not yet written as orders.
-- KEYS[1] stock counter, KEYS[2] holdqty (reservationId -> held units),
-- KEYS[3] paidqty (reservationId -> paid units the order writer has not confirmed)
-- KEYS[4] adjusting, KEYS[5] adjustment sequence (stock-adjust.lua)
-- ARGV: force ('1' overwrites an existing counter),
--       sequence (the adjustment sequence read before the MySQL snapshot, '' for no check),
--       mysqlStock, u (number of pairs that follow),
--       u pairs reservationId, units of payments in MySQL without an order,
--       then reservationIds of payments already written as orders (their units are out of mysqlStock)
-- Returns the counter's value, or -1 (nothing written) when a sequence was given and an
-- adjustment is in flight or began or ended since it was read: the snapshot may be on the other
-- side of that adjustment's MySQL change from the counter, so the caller takes a new one.
if ARGV[1] ~= '1' then
  local current = redis.call('GET', KEYS[1])
  if current then return tonumber(current) end
end
if ARGV[2] ~= '' then
  if tonumber(redis.call('GET', KEYS[4]) or '0') > 0 then return -1 end
  if tonumber(redis.call('GET', KEYS[5]) or '0') ~= tonumber(ARGV[2]) then return -1 end
end
local value = tonumber(ARGV[3])
local u = tonumber(ARGV[4])
local unwritten, written = {}, {}
for i = 5, 4 + u * 2, 2 do unwritten[ARGV[i]] = tonumber(ARGV[i + 1]) end
for i = 5 + u * 2, #ARGV do written[ARGV[i]] = true end
for _, qty in ipairs(redis.call('HVALS', KEYS[2])) do value = value - tonumber(qty) end
local paid = redis.call('HGETALL', KEYS[3])
for i = 1, #paid, 2 do
  local rid = paid[i]
  if unwritten[rid] then
    value = value - unwritten[rid]
    unwritten[rid] = nil
  elseif not written[rid] then
    -- paid in Redis a moment ago, its MySQL record not yet visible: still sold
    value = value - tonumber(paid[i + 1])
  end
end
for _, qty in pairs(unwritten) do value = value - qty end
if value < 0 then value = 0 end
redis.call('SET', KEYS[1], value)
return value
