-- (Re)builds a product's live counter: MySQL stock - live holds - paid units not yet written as orders.
-- KEYS[1] stock counter, KEYS[2] holdqty (reservationId -> held units),
-- KEYS[3] paidqty (reservationId -> paid units the order writer has not confirmed)
-- ARGV: force ('1' overwrites an existing counter), mysqlStock, u (number of pairs that follow),
--       u pairs reservationId, units of payments in MySQL without an order,
--       then reservationIds of payments already written as orders (their units are out of mysqlStock)
-- Returns the counter's value.
if ARGV[1] ~= '1' then
  local current = redis.call('GET', KEYS[1])
  if current then return tonumber(current) end
end
local value = tonumber(ARGV[2])
local u = tonumber(ARGV[3])
local unwritten, written = {}, {}
for i = 4, 3 + u * 2, 2 do unwritten[ARGV[i]] = tonumber(ARGV[i + 1]) end
for i = 4 + u * 2, #ARGV do written[ARGV[i]] = true end
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
