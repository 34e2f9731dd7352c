import { BotError, describeError } from '../core/errors.js';
import type { KeyValue } from '../core/ports/kv.js';
import type { RedisClient } from './redis-client.js';
import { kvKey, namespaceOf, type RedisNamespace } from './redis-keys.js';
import { ttlToMs } from './validate.js';

/** Options of {@link createRedisKeyValue}. */
export interface RedisKeyValueOptions extends RedisNamespace {
  readonly redis: RedisClient;
  /** When true, `close()` quits the client; by default the caller owns it and `close()` leaves it open. */
  readonly ownsClient?: boolean;
}

/**
 * Key-value store in Redis, shared by every replica: `SET NX PX`, `GET`, `SET PX`, `DEL` on
 * `<keyPrefix>:<tenant>:kv:{<key>}`. Expiry is Redis's own. Failures surface as `BotError('kv.unavailable')`.
 *
 * @example
 * const kv = createRedisKeyValue({ redis, tenant: 'acme' });
 * if (await kv.setIfAbsent(`dedupe:${messageId}`, '1', 600_000)) handle();
 */
export function createRedisKeyValue(options: RedisKeyValueOptions): KeyValue {
  const { redis } = options;
  const ns = namespaceOf(options);
  const ownsClient = options.ownsClient === true;
  let closed = false;

  const guard = async <T>(op: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new BotError('kv.unavailable', `Redis key-value ${op} failed: ${describeError(error)}; is Redis up?`, {
        cause: error,
      });
    }
  };

  return {
    async setIfAbsent(key, value, ttlMs) {
      const ttl = ttlToMs('kv ttlMs', ttlMs);
      return await guard('setIfAbsent', async () => (await redis.set(kvKey(ns, key), value, 'PX', ttl, 'NX')) === 'OK');
    },

    get(key) {
      return guard('get', async () => (await redis.get(kvKey(ns, key))) ?? undefined);
    },

    async set(key, value, ttlMs) {
      const ttl = ttlToMs('kv ttlMs', ttlMs);
      return await guard('set', async () => {
        await redis.set(kvKey(ns, key), value, 'PX', ttl);
      });
    },

    delete(key) {
      return guard('delete', async () => {
        await redis.del(kvKey(ns, key));
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownsClient) await redis.quit();
    },
  };
}
