import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import type { ConversationMemory } from '../../core/ports/memory.js';
import {
  createInProcessKeyValue,
  createInProcessLocks,
  createInProcessMemory,
  createRedisKeyValue,
  createRedisLocks,
  createRedisMemory,
} from '../../memory/index.js';
import type { AppConfig } from '../config/index.js';
import { createRedisClient, redisTargetOf, type RedisClient } from './redis-client.js';

/** The state stores of one gateway process: in-process by default, Redis when `redis.url` or `redis.cluster` is set. */
export interface Stores {
  readonly kind: 'in-process' | 'redis';
  readonly memory: ConversationMemory;
  readonly kv: KeyValue;
  readonly locks: Locks;
  /** The shared client: `Redis`, or `Cluster` with `redis.cluster`. */
  readonly redis: RedisClient | undefined;
  /** Redis reachability (always ok in-process). */
  ping(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}

/** Builds the stores from config. The Redis client fails fast while Redis is down instead of queueing forever. */
export function createStores(config: AppConfig, deps: { clock: Clock; log: Logger }): Stores {
  const memoryOptions = { turns: config.memory.turns, ttlMs: config.memory.ttl * 1000 };
  const target = redisTargetOf(config);
  if (target === undefined) {
    return {
      kind: 'in-process',
      memory: createInProcessMemory(memoryOptions, { clock: deps.clock }),
      kv: createInProcessKeyValue({ clock: deps.clock }),
      locks: createInProcessLocks({ clock: deps.clock }),
      redis: undefined,
      ping: () => Promise.resolve({ ok: true, detail: 'in-process stores' }),
      close: () => Promise.resolve(),
    };
  }
  const redis = createRedisClient(target, {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    enableOfflineQueue: true,
    // Commands issued in the same tick share one round trip (each turn makes several small calls).
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', (error: Error) => deps.log.warn({ err: error.message }, 'redis connection problem'));
  // Once connected, fail fast while Redis is away (clear 503s at once) instead of queueing commands behind
  // reconnect attempts for seconds each; ioredis reconnects by itself and commands work again when it is back.
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  const ns = { keyPrefix: config.redis.keyPrefix };
  const locks = createRedisLocks({ redis, ...ns, clock: deps.clock, logger: deps.log });
  return {
    kind: 'redis',
    memory: createRedisMemory({ ...memoryOptions, ...ns }, { redis, logger: deps.log }),
    kv: createRedisKeyValue({ redis, ...ns }),
    locks,
    redis,
    ping: async () => {
      try {
        const pong = await redis.ping();
        return { ok: pong === 'PONG', detail: 'redis' };
      } catch (error: unknown) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    close: async () => {
      await locks.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
