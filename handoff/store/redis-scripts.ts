/**
 * Lua scripts of the Redis handoff queue. Every key of one queue shares the hash tag `{handoff}` (one Redis Cluster
 * slot), so the scripts may build index key names from the prefix they are given.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const OPEN_FN = `local function isOpen(s) return s == 'queued' or s == 'assigned' or s == 'human' end`;

/**
 * Create a ticket unless the conversation has an open one.
 * KEYS[1] ticket key. ARGV: prefix, json, conversationKey, id, createdAt. Returns the open ticket's JSON or nil.
 */
export const CREATE_LUA = `${OPEN_FN}
local P = ARGV[1]
local existing = redis.call('HGET', P .. 'active', ARGV[3])
if existing then
  local raw = redis.call('GET', P .. 't:' .. existing)
  if raw and isOpen(cjson.decode(raw)['status']) then return raw end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', P .. 'active', ARGV[3], ARGV[4])
redis.call('ZADD', P .. 'open', ARGV[5], ARGV[4])
redis.call('ZADD', P .. 'queued', ARGV[5], ARGV[4])
return false`;

/**
 * Compare-and-set a ticket and keep the indexes in step.
 * KEYS[1] ticket key. ARGV: prefix, expected version, new json, max load ('' = none), retention ms, now.
 * Returns 'ok', 'conflict' or 'capacity'.
 */
export const UPDATE_LUA = `${OPEN_FN}
local P = ARGV[1]
local raw = redis.call('GET', KEYS[1])
if not raw then return 'conflict' end
local cur = cjson.decode(raw)
if tonumber(cur['version']) ~= tonumber(ARGV[2]) then return 'conflict' end
local nxt = cjson.decode(ARGV[3])
local id = nxt['id']
local curAgent = cur['agentId']
local newAgent = nxt['agentId']
local curOpen = isOpen(cur['status'])
local newOpen = isOpen(nxt['status'])
if newAgent and newOpen and (curAgent ~= newAgent or not curOpen) and ARGV[4] ~= '' then
  if redis.call('SCARD', P .. 'load:' .. newAgent) >= tonumber(ARGV[4]) then return 'capacity' end
end
redis.call('SET', KEYS[1], ARGV[3])
if curAgent and curOpen then redis.call('SREM', P .. 'load:' .. curAgent, id) end
if newOpen then
  if newAgent then redis.call('SADD', P .. 'load:' .. newAgent, id) end
  redis.call('ZADD', P .. 'open', nxt['createdAt'], id)
  redis.call('HSET', P .. 'active', nxt['conversationKey'], id)
  if nxt['status'] == 'queued' then
    redis.call('ZADD', P .. 'queued', nxt['createdAt'], id)
  else
    redis.call('ZREM', P .. 'queued', id)
  end
else
  redis.call('ZREM', P .. 'open', id)
  redis.call('ZREM', P .. 'queued', id)
  if redis.call('HGET', P .. 'active', nxt['conversationKey']) == id then
    redis.call('HDEL', P .. 'active', nxt['conversationKey'])
  end
  local closedAt = tonumber(ARGV[6])
  if nxt['sla'] and nxt['sla']['closedAt'] then closedAt = nxt['sla']['closedAt'] end
  redis.call('ZADD', P .. 'closed', closedAt, id)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('PEXPIRE', P .. 'tr:' .. id, ARGV[5])
  redis.call('ZREMRANGEBYSCORE', P .. 'closed', '-inf', tonumber(ARGV[6]) - tonumber(ARGV[5]))
end
return 'ok'`;

/**
 * Append a transcript entry; the transcript expires with its (closed) ticket.
 * KEYS[1] transcript key, KEYS[2] ticket key. ARGV: entry json.
 */
export const APPEND_LUA = `
redis.call('RPUSH', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/** A script run by EVALSHA, falling back to EVAL when the server does not have it cached. */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** Wraps a Lua script (does not add commands to the caller's client). */
export function luaScript(lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}
