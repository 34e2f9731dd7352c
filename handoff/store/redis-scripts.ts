/**
 * Lua scripts of the Redis handoff queue. Every key a script touches is passed in KEYS (none is built inside a
 * script), and every key of one queue shares the hash tag `{handoff}`, so each script runs in one Redis Cluster slot.
 * Keys that depend on stored data (the conversation's open ticket, the current agent's load set) are read first
 * and passed in; the script re-checks what it was told and answers 'retry' or 'conflict' when it changed meanwhile.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis-client.js';

const HELPERS = `local function isOpen(s) return s == 'queued' or s == 'assigned' or s == 'human' end
local function str(v) if type(v) == 'string' then return v end return nil end`;

/**
 * Create a ticket unless the conversation has an open one.
 * KEYS: 1 new ticket, 2 `active` hash, 3 `open` zset, 4 `queued` zset, 5 the ticket `active` named when the caller
 * read it (absent when none). ARGV: json, conversationKey, id, createdAt, the id `active` named ('' = none).
 * Returns the open ticket's JSON, nil when created, or 'retry' when `active` changed since the caller read it.
 */
export const CREATE_LUA = `${HELPERS}
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if (existing or '') ~= ARGV[5] then return 'retry' end
if existing then
  local raw = redis.call('GET', KEYS[5])
  if raw and isOpen(cjson.decode(raw)['status']) then return raw end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
return false`;

/**
 * Compare-and-set a ticket and keep the indexes in step.
 * KEYS: 1 ticket, 2 `active` hash, 3 `open` zset, 4 `queued` zset, 5 `closed` zset, 6 the ticket's transcript,
 * 7 the load set of the stored ticket's agent, 8 the load set of the new JSON's agent (7 and 8 are the ticket key
 * when there is no agent; never touched then).
 * ARGV: expected version, new json, max load ('' = none), retention ms, now, the stored ticket's agent ('' = none).
 * Returns 'ok', 'conflict' (version or agent not as expected) or 'capacity'.
 */
export const UPDATE_LUA = `${HELPERS}
local raw = redis.call('GET', KEYS[1])
if not raw then return 'conflict' end
local cur = cjson.decode(raw)
if tonumber(cur['version']) ~= tonumber(ARGV[1]) then return 'conflict' end
local curAgent = str(cur['agentId'])
if (curAgent or '') ~= ARGV[6] then return 'conflict' end
local nxt = cjson.decode(ARGV[2])
local id = nxt['id']
local newAgent = str(nxt['agentId'])
local curOpen = isOpen(cur['status'])
local newOpen = isOpen(nxt['status'])
if newAgent and newOpen and (curAgent ~= newAgent or not curOpen) and ARGV[3] ~= '' then
  if redis.call('SCARD', KEYS[8]) >= tonumber(ARGV[3]) then return 'capacity' end
end
redis.call('SET', KEYS[1], ARGV[2])
if curAgent and curOpen then redis.call('SREM', KEYS[7], id) end
if newOpen then
  if newAgent then redis.call('SADD', KEYS[8], id) end
  redis.call('ZADD', KEYS[3], nxt['createdAt'], id)
  redis.call('HSET', KEYS[2], nxt['conversationKey'], id)
  if nxt['status'] == 'queued' then
    redis.call('ZADD', KEYS[4], nxt['createdAt'], id)
  else
    redis.call('ZREM', KEYS[4], id)
  end
else
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
  if redis.call('HGET', KEYS[2], nxt['conversationKey']) == id then
    redis.call('HDEL', KEYS[2], nxt['conversationKey'])
  end
  local closedAt = tonumber(ARGV[5])
  if nxt['sla'] and nxt['sla']['closedAt'] then closedAt = nxt['sla']['closedAt'] end
  redis.call('ZADD', KEYS[5], closedAt, id)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[6], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', tonumber(ARGV[5]) - tonumber(ARGV[4]))
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
  run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
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
