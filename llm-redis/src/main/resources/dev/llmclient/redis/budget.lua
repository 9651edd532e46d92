-- One deployment's rate budget, the rules of llm-core's DeploymentBudget on Redis.
-- KEYS: 1 the hash (rpm, tpm, hold, ftok, itok), 2 finished requests, 3 requests in flight
--   (sorted sets; score = microseconds, member = "<id>:<tokens>").
-- ARGV: 1 op (reserve | release | learn | hold), 2 now in microseconds or "" for Redis TIME,
--   3 window in nanoseconds, 4 utilisation, 5 configured rpm, 6 configured tpm,
--   7 lease of a request in flight in microseconds, 8.. the op's arguments:
--   reserve: tokens, id | release: reserved tokens, id, charged tokens | learn: rpm, tpm |
--   hold: microseconds from now.
-- Returns {granted 0/1, wait in microseconds, headroom in millionths, rpm, tpm}.
local hash, fin, inf = KEYS[1], KEYS[2], KEYS[3]
local op = ARGV[1]
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local windowNanos = tonumber(ARGV[3])
local window = math.floor(windowNanos / 1000)
local util = tonumber(ARGV[4])
local lease = tonumber(ARGV[7])

-- Lua 5.1 prints numbers with 14 digits; times in microseconds have 16.
local function fmt(x)
  return string.format('%.0f', x)
end
local function tokensOf(member)
  return tonumber(string.match(member, ':(%d+)$'))
end

if redis.call('EXISTS', hash) == 0 then
  redis.call('DEL', fin, inf)
  redis.call('HSET', hash, 'rpm', ARGV[5], 'tpm', ARGV[6], 'hold', '0', 'ftok', '0', 'itok', '0')
end
local h = redis.call('HMGET', hash, 'rpm', 'tpm', 'hold', 'ftok', 'itok')
local rpm, tpm, hold = tonumber(h[1]), tonumber(h[2]), tonumber(h[3])
local ftok, itok = tonumber(h[4]), tonumber(h[5])

-- finished requests leave one window after they finished
local oldest = fmt(now - window)
local gone = redis.call('ZRANGEBYSCORE', fin, '-inf', oldest)
if #gone > 0 then
  for _, m in ipairs(gone) do
    ftok = ftok - tokensOf(m)
  end
  redis.call('ZREMRANGEBYSCORE', fin, '-inf', oldest)
end
-- a request in flight longer than the lease belonged to a replica that died
local expired = fmt(now - lease)
local lost = redis.call('ZRANGEBYSCORE', inf, '-inf', expired)
if #lost > 0 then
  for _, m in ipairs(lost) do
    itok = itok - tokensOf(m)
  end
  redis.call('ZREMRANGEBYSCORE', inf, '-inf', expired)
end

if op == 'learn' then
  rpm, tpm = tonumber(ARGV[8]), tonumber(ARGV[9])
  redis.call('HSET', hash, 'rpm', fmt(rpm), 'tpm', fmt(tpm))
elseif op == 'hold' then
  local untilAt = now + tonumber(ARGV[8])
  if untilAt > hold then
    hold = untilAt
    redis.call('HSET', hash, 'hold', fmt(hold))
  end
elseif op == 'release' then
  local reserved = tonumber(ARGV[8])
  if redis.call('ZREM', inf, ARGV[9] .. ':' .. ARGV[8]) == 1 then
    itok = itok - reserved
    local charged = tonumber(ARGV[10])
    local at = now
    local last = redis.call('ZRANGE', fin, -1, -1, 'WITHSCORES')
    if #last > 0 and tonumber(last[2]) > at then
      at = tonumber(last[2])
    end
    redis.call('ZADD', fin, fmt(at), ARGV[9] .. ':' .. fmt(charged))
    ftok = ftok + charged
  end
end

local function capacity(perMinute)
  if perMinute <= 0 then
    return nil
  end
  return math.max(1, math.floor(perMinute * (windowNanos / 60e9) * util))
end
local rcap, tcap = capacity(rpm), capacity(tpm)
local nfin = redis.call('ZCARD', fin)
local ninf = redis.call('ZCARD', inf)

-- when enough finished requests have left the window to free this many requests or tokens
local function leaveTime(requests, tokens)
  if requests <= nfin then
    local e = redis.call('ZRANGE', fin, requests - 1, requests - 1, 'WITHSCORES')
    return tonumber(e[2]) + window
  end
  if tokens ~= math.huge then
    local all = redis.call('ZRANGE', fin, 0, -1, 'WITHSCORES')
    local freed = 0
    for i = 1, #all, 2 do
      freed = freed + tokensOf(all[i])
      if freed >= tokens then
        return tonumber(all[i + 1]) + window
      end
    end
  end
  if ninf == 0 and nfin > 0 then
    local last = redis.call('ZRANGE', fin, -1, -1, 'WITHSCORES')
    return tonumber(last[2]) + window
  end
  return now + window
end

local granted = 0
local wait = 0
if op == 'reserve' then
  local tokens = tonumber(ARGV[8])
  if now < hold then
    wait = hold - now
  end
  local count = nfin + ninf
  if rcap and count >= rcap then
    wait = math.max(wait, leaveTime(count - rcap + 1, math.huge) - now)
  end
  local used = ftok + itok
  if tcap and used > 0 and used + tokens > tcap then
    local mustFree = math.huge
    if tokens <= tcap then
      mustFree = used + tokens - tcap
    end
    wait = math.max(wait, leaveTime(math.huge, mustFree) - now)
  end
  if wait <= 0 then
    wait = 0
    granted = 1
    redis.call('ZADD', inf, fmt(now), ARGV[9] .. ':' .. fmt(tokens))
    itok = itok + tokens
    ninf = ninf + 1
  end
end
redis.call('HSET', hash, 'ftok', fmt(ftok), 'itok', fmt(itok))

local headroom = 0
if now >= hold then
  local r, t = 1, 1
  if rcap then
    r = 1 - (nfin + ninf) / rcap
  end
  if tcap then
    t = 1 - (ftok + itok) / tcap
  end
  headroom = math.max(0, math.min(r, t))
end

local ttl = math.floor((window + lease) / 1000) + 1000
redis.call('PEXPIRE', hash, ttl)
redis.call('PEXPIRE', fin, ttl)
redis.call('PEXPIRE', inf, ttl)
return {granted, math.floor(wait), math.floor(headroom * 1000000), rpm, tpm}
