/** Everything API clients need beyond bearer checks, built from config: the pairing service and the token endpoint. */
import type { Clock } from '../../core/clock.js';
import type { RedisClient } from '../app/redis-client.js';
import type { AppConfig } from '../config/schema.js';
import { createGroupPolicies } from './groups.js';
import { createTokenEndpoint, type TokenEndpoint } from './oauth.js';
import { createPairingServiceFromConfig, createPairingStoreFromConfig } from './pairing/from-config.js';
import type { PairingService } from './pairing/service.js';
import type { PairingStore } from './pairing/store.js';

/** The pairing service, its store and the client-credentials endpoint of one gateway. */
export interface ClientAccess {
  readonly pairing: PairingService;
  readonly store: PairingStore;
  readonly tokenEndpoint: TokenEndpoint;
  /** Closes the store (a shared Redis client is left open for its owner). */
  close(): Promise<void>;
}

/**
 * Builds client access from `config.auth` (pairing store: Redis when configured, sharing `redis`;
 * else `auth.pairing.file` under `cwd`).
 *
 * @example const access = createClientAccess(config, { clock, cwd: process.cwd(), redis: stores.redis });
 */
export function createClientAccess(
  config: AppConfig,
  deps: { clock: Clock; cwd: string; redis?: RedisClient | undefined },
): ClientAccess {
  const store = createPairingStoreFromConfig(config, deps);
  const pairing = createPairingServiceFromConfig(config, { store, clock: deps.clock });
  const tokenEndpoint = createTokenEndpoint(
    {
      secret: config.auth.jwtSecret,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
      expirySeconds: config.auth.tokenExpiry,
    },
    { pairing, groups: createGroupPolicies(config.auth.groups), clock: deps.clock },
  );
  return { pairing, store, tokenEndpoint, close: () => store.close() };
}
