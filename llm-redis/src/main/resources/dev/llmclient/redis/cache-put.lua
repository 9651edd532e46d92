-- Stores one cached answer and keeps the cache within its entry count.
-- KEYS: 1 the entry, 2 the index (sorted set of entry keys by write time in milliseconds).
-- ARGV: 1 the value, 2 time to live in milliseconds, 3 the most entries to keep.
-- Returns how many older entries were evicted to make room.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], string.format('%.0f', now), KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - ttl))
local n = redis.call('ZCARD', KEYS[2])
local evicted = 0
if n > max then
  local victims = redis.call('ZRANGE', KEYS[2], 0, n - max - 1)
  for _, k in ipairs(victims) do
    redis.call('DEL', k)
  end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - max - 1)
  evicted = #victims
end
redis.call('PEXPIRE', KEYS[2], ttl)
return evicted
