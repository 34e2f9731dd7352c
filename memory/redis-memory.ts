import type { Redis } from 'ioredis';
import { BotError, describeError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ConversationMemory, MemoryOptions, MemoryTurn } from '../core/ports/memory.js';
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
  readonly redis: Redis;
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
const addReplyScript = redisScript(ADD_REPLY_LUA);

/**
 * Conversation memory in Redis, shared by every replica.
 *
 * One list per conversation at `<keyPrefix>:<tenant>:mem:{<conversationKey>}` (hash-tagged for Redis Cluster),
 * one element per turn (see `turn-codec.ts`). `appendTurn` is `MULTI RPUSH LTRIM PEXPIRE EXEC`;
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
        const redisKey = memoryKey(ns, key);
        const results = await redis
          .multi()
          .rpush(redisKey, encoded)
          .ltrim(redisKey, -window, -1)
          .pexpire(redisKey, ttlMs)
          .exec();
        if (results === null) throw new Error('transaction aborted');
        for (const [error] of results) if (error) throw error;
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
