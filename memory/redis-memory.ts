import { BotError, describeError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ConversationMemory, MemoryOptions, MemoryTurn } from '../core/ports/memory.js';
import type { RedisClient } from './redis-client.js';
import { memoryKey, namespaceOf, type RedisNamespace } from './redis-keys.js';
import { redisScript } from './redis-script.js';
import { decodeTurn, encodeReply, encodeTurn, turnIdPrefix } from './turn-codec.js';
import { resolveMemoryOptions } from './validate.js';

/** Options of {@link createRedisMemory}. */
export interface RedisMemoryOptions extends Partial<MemoryOptions>, RedisNamespace {
  /** When true, `close()` quits the client; by default the caller owns it and `close()` leaves it open. */
  readonly ownsClient?: boolean;
}

/** Dependencies of {@link createRedisMemory}. */
export interface RedisMemoryDeps {
  readonly redis: RedisClient;
  /** Receives a warning for each stored entry that cannot be decoded (default: silent). */
  readonly logger?: Logger;
}

/**
 * Finds the newest entry starting with ARGV[1] (the turn-id prefix, see `turnIdPrefix`), appends the encoded
 * reply ARGV[2] to it in place and refreshes the TTL to ARGV[3] ms. Returns 1 when attached, 0 when that turn
 * is not (or no longer) kept; then nothing changes, TTL included.
 */
const ADD_REPLY_LUA = `
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local prefix = ARGV[1]
for i = #entries, 1, -1 do
  local entry = entries[i]
  if string.sub(entry, 1, #prefix) == prefix then
    redis.call('LSET', KEYS[1], i - 1, entry .. '\\n' .. ARGV[2])
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return 1
  end
end
return 0
`;
/**
 * Inserts the encoded turn ARGV[1] in arrival order (by its `at`, ARGV[2]; after equal ones), keeps the
 * newest ARGV[3] turns and sets the TTL to ARGV[4] ms. Turns of one conversation are processed one at a time,
 * but across replicas not necessarily in the order they arrived: ordering on insert keeps the window equal
 * to the latest turns by arrival. Only entries newer than the new turn are scanned (usually none).
 */
const APPEND_LUA = `
local n = redis.call('LLEN', KEYS[1])
local at = tonumber(ARGV[2])
local i = n - 1
local pivot = nil
while i >= 0 do
  local entry = redis.call('LINDEX', KEYS[1], i)
  local ok, head = pcall(cjson.decode, string.match(entry, '^[^\\n]*'))
  local entryAt = nil
  if ok and type(head) == 'table' then entryAt = tonumber(head['at']) end
  if entryAt == nil or entryAt <= at then
    pivot = entry
    break
  end
  i = i - 1
end
if i == n - 1 then
  redis.call('RPUSH', KEYS[1], ARGV[1])
elseif pivot == nil then
  redis.call('LPUSH', KEYS[1], ARGV[1])
else
  redis.call('LINSERT', KEYS[1], 'AFTER', pivot, ARGV[1])
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;
const addReplyScript = redisScript(ADD_REPLY_LUA);
const appendScript = redisScript(APPEND_LUA);

/**
 * Conversation memory in Redis, shared by every replica.
 *
 * One list per conversation at `<keyPrefix>:<tenant>:mem:{<conversationKey>}` (hash-tagged for Redis Cluster),
 * one element per turn (see `turn-codec.ts`). `appendTurn` is one Lua script (insert in arrival order, trim, PEXPIRE);
 * `addReply` is one Lua script (find by id prefix, LSET, PEXPIRE), so concurrent writers never lose updates.
 * Redis failures surface as `BotError('memory.unavailable')`.
 *
 * @example
 * const memory = createRedisMemory({ turns: 5, ttlMs: 1_800_000, tenant: 'acme' }, { redis });
 */
export function createRedisMemory(options: RedisMemoryOptions, deps: RedisMemoryDeps): ConversationMemory {
  const { turns: window, ttlMs } = resolveMemoryOptions(options);
  const ns = namespaceOf(options);
  const { redis } = deps;
  const logger = deps.logger ?? silentLogger;
  const ownsClient = options.ownsClient === true;
  let closed = false;

  const guard = async <T>(op: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new BotError('memory.unavailable', `Redis memory ${op} failed: ${describeError(error)}; is Redis up?`, {
        cause: error,
      });
    }
  };

  return {
    recent(key) {
      return guard('recent', async () => {
        const redisKey = memoryKey(ns, key);
        const entries = await redis.lrange(redisKey, -window, -1);
        const turns: MemoryTurn[] = [];
        for (const entry of entries) {
          const turn = decodeTurn(entry);
          if (turn === undefined) logger.warn({ key: redisKey }, 'skipping a memory entry that cannot be decoded');
          else turns.push(turn);
        }
        return turns;
      });
    },

    appendTurn(key, turn) {
      const encoded = encodeTurn(turn);
      return guard('appendTurn', async () => {
        await appendScript.run(redis, [memoryKey(ns, key)], [encoded, String(turn.at), String(window), String(ttlMs)]);
      });
    },

    addReply(key, turnId, reply) {
      const encoded = encodeReply(reply);
      return guard('addReply', async () => {
        await addReplyScript.run(redis, [memoryKey(ns, key)], [turnIdPrefix(turnId), encoded, ttlMs]);
      });
    },

    clear(key) {
      return guard('clear', async () => {
        await redis.del(memoryKey(ns, key));
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsClient) await redis.quit();
    },
  };
}
