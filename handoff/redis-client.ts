import { Cluster, type Redis } from 'ioredis';

/**
 * The ioredis clients the Redis handoff stores accept: one server (`Redis`) or a Redis Cluster (`Cluster`). Every
 * command names its keys (scripts through KEYS) and the keys of one call share a hash tag, so both work.
 */
export type RedisClient = Redis | Cluster;

/**
 * A new connection with `client`'s settings, for SUBSCRIBE (a subscribed connection can run nothing else).
 * A Cluster client subscribes through one node of the cluster; classic PUBLISH reaches every node.
 */
export function duplicateForSubscribe(
  client: RedisClient,
  options: { readonly lazyConnect?: boolean; readonly enableOfflineQueue?: boolean },
): RedisClient {
  return client instanceof Cluster ? client.duplicate([], options) : client.duplicate(options);
}
