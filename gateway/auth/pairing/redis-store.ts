/**
 * The pairing store in Redis (used when `redis.url` is set): one key, `<keyPrefix>:auth:pairing`, so it is
 * Redis Cluster safe. Updates are optimistic: read, apply the pure change, then compare-and-set in a Lua script;
 * on a concurrent write the change is applied again to the newer state.
 */
import type { RedisClient } from '../../app/redis-client.js';
import { BotError, describeError } from '../../../core/errors.js';
import { decodePairingState, type PairingChange, type PairingStore } from './store.js';

const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

const MAX_ATTEMPTS = 50;

/** Options of {@link createRedisPairingStore}. */
export interface RedisPairingStoreOptions {
  /** A connected client; the store does not close it unless `ownsClient`. */
  readonly redis: RedisClient;
  readonly keyPrefix: string;
  /** Quit the client on `close()` (the CLI's own client); default false (the gateway's shared client). */
  readonly ownsClient?: boolean;
}

/** The Redis key of the pairing state. */
export function pairingKey(keyPrefix: string): string {
  return `${keyPrefix}:auth:pairing`;
}

/** Creates the Redis store. */
export function createRedisPairingStore(options: RedisPairingStoreOptions): PairingStore {
  const { redis } = options;
  const key = pairingKey(options.keyPrefix);
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BotError) throw error;
      throw new BotError('kv.unavailable', `the pairing store in Redis failed: ${describeError(error)}; is Redis up?`, {
        cause: error,
      });
    }
  };
  return {
    kind: 'redis',
    location: `redis key ${key}`,
    read: () => guard(async () => decodePairingState(await redis.get(key), key)),
    update<T>(change: PairingChange<T>): Promise<T> {
      return guard(async () => {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
          const text = await redis.get(key);
          const before = decodePairingState(text, key);
          const { state, result } = change(before);
          if (state === before) return result;
          const written = await redis.eval(COMPARE_AND_SET, 1, key, text ?? '', JSON.stringify(state));
          if (written === 1) return result;
        }
        throw new BotError('lock.timeout', `the pairing store ${key} kept changing under us; try again`);
      });
    },
    close: async () => {
      if (options.ownsClient === true) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
