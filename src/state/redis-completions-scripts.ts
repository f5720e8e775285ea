/**
 * The Lua scripts of the Redis stored-completions index. Each touches only the two keys of one
 * scope (declared, in one hash slot), and never decodes an entry's JSON: entries come back exactly
 * as written, with whatever fields they have.
 *
 * Keys: KEYS[1] the scope's sorted set (score `created`, member the id: Redis orders equal scores
 * by member, which is the index's "created, then id"), KEYS[2] the scope's hash (`e:<id>` the
 * entry's JSON, `m:<id>` its current metadata's JSON).
 */

/** ARGV: id, created, entry JSON, metadata JSON, most entries kept per scope, time to live (ms). */
export const ADD_SCRIPT = `
redis.call('HSET', KEYS[2], 'e:' .. ARGV[1], ARGV[3], 'm:' .. ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[5])
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  for _, id in ipairs(oldest) do redis.call('HDEL', KEYS[2], 'e:' .. id, 'm:' .. id) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1
`;

/**
 * One page of candidates in list order after an id (or from the start), each as its entry and
 * metadata JSON (empty strings when the entry is gone). ARGV: after id or '', how many, '1' for
 * descending. A nil reply means the `after` id is not in the scope.
 */
export const PAGE_SCRIPT = `
local descending = ARGV[3] == '1'
local start = 0
if ARGV[1] ~= '' then
  local rank
  if descending then rank = redis.call('ZREVRANK', KEYS[1], ARGV[1]) else rank = redis.call('ZRANK', KEYS[1], ARGV[1]) end
  if not rank then return false end
  start = rank + 1
end
local stop = start + tonumber(ARGV[2]) - 1
local ids
if descending then ids = redis.call('ZREVRANGE', KEYS[1], start, stop) else ids = redis.call('ZRANGE', KEYS[1], start, stop) end
local out = {}
for _, id in ipairs(ids) do
  local found = redis.call('HMGET', KEYS[2], 'e:' .. id, 'm:' .. id)
  out[#out + 1] = id
  out[#out + 1] = found[1] or ''
  out[#out + 1] = found[2] or ''
end
return out
`;

/** ARGV: id, new metadata JSON. The entry's JSON when it exists (and its metadata was replaced), else nil. */
export const UPDATE_SCRIPT = `
local entry = redis.call('HGET', KEYS[2], 'e:' .. ARGV[1])
if not entry then return false end
redis.call('HSET', KEYS[2], 'm:' .. ARGV[1], ARGV[2])
return entry
`;

/** ARGV: id. 1 when the scope had it. */
export const REMOVE_SCRIPT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], 'e:' .. ARGV[1], 'm:' .. ARGV[1])
return removed
`;
