/** The pairing store and service as config.yaml describes them, shared by the gateway and `clawbot pairing`. */
import { resolve } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import { createRedisClient, redisTargetOf, type RedisClient } from '../../app/redis-client.js';
import type { AppConfig } from '../../config/schema.js';
import { createFilePairingStore } from './file-store.js';
import { createRedisPairingStore } from './redis-store.js';
import { createPairingService, type PairingService } from './service.js';
import type { PairingStore } from './store.js';

/**
 * Redis (`<redis.keyPrefix>:auth:pairing`) when `redis.url` or `redis.cluster` is set, else the JSON file
 * `auth.pairing.file` resolved against `cwd`. Pass the gateway's Redis client as `redis` to share it; without one a
 * client is opened here and closed with the store.
 */
export function createPairingStoreFromConfig(
  config: AppConfig,
  deps: { clock: Clock; cwd: string; redis?: RedisClient | undefined },
): PairingStore {
  const target = redisTargetOf(config);
  if (target === undefined) {
    return createFilePairingStore({ path: resolve(deps.cwd, config.auth.pairing.file) }, { clock: deps.clock });
  }
  if (deps.redis !== undefined)
    return createRedisPairingStore({ redis: deps.redis, keyPrefix: config.redis.keyPrefix });
  const redis = createRedisClient(target, {
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > 3 ? null : times * 200),
  });
  redis.on('error', () => undefined); // failures surface as kv.unavailable from the store's calls
  return createRedisPairingStore({ redis, keyPrefix: config.redis.keyPrefix, ownsClient: true });
}

/** The pairing service with `auth.pairing` settings. */
export function createPairingServiceFromConfig(
  config: AppConfig,
  deps: { store: PairingStore; clock: Clock },
): PairingService {
  const { pairing } = config.auth;
  return createPairingService(
    { ttlMs: pairing.ttl * 1000, maxPending: pairing.maxPending, defaultScopes: pairing.scopes },
    deps,
  );
}
