/**
 * The one place the gateway makes Redis connections: a `Redis` client for `redis.url`, a `Cluster` client for
 * `redis.cluster.nodes`. Stores, the delivery queue, the pairing store, the CLI and the checks all go through
 * `createRedisClient`, so a deployment switches to Redis Cluster by config alone.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../../memory/index.js';
import type { AppConfig } from '../config/index.js';

export type { RedisClient } from '../../memory/index.js';

/** Where Redis is: one server, or seed nodes of a Redis Cluster. */
export type RedisTarget =
  { readonly kind: 'single'; readonly url: string } | { readonly kind: 'cluster'; readonly nodes: readonly string[] };

/** The Redis a config names; undefined when it names none (in-process stores). */
export function redisTargetOf(config: Pick<AppConfig, 'redis'>): RedisTarget | undefined {
  const { url, cluster } = config.redis;
  if (cluster !== undefined) return { kind: 'cluster', nodes: cluster.nodes };
  return url === undefined ? undefined : { kind: 'single', url };
}

/** A Redis URL with its password hidden, for output. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** The target for output, passwords hidden: the URL, or `cluster <node>, <node>, ...`. */
export function describeRedisTarget(target: RedisTarget): string {
  return target.kind === 'single'
    ? redactRedisUrl(target.url)
    : `cluster ${target.nodes.map((n) => redactRedisUrl(n)).join(', ')}`;
}

/** Connection behaviour, the same words for both kinds of client. */
export interface RedisClientSettings {
  readonly lazyConnect?: boolean;
  readonly connectTimeout?: number;
  readonly commandTimeout?: number;
  /** `null`: never give up a command (BullMQ's blocking connections need this). */
  readonly maxRetriesPerRequest?: number | null;
  readonly enableOfflineQueue?: boolean;
  readonly enableAutoPipelining?: boolean;
  /** Delay before reconnect attempt `times`, or null to stop reconnecting. */
  readonly retryStrategy?: (times: number) => number | null;
}

type ClusterClientOptions = NonNullable<ConstructorParameters<typeof Cluster>[1]>;

/** Credentials and TLS of a node URL, for every connection of a cluster. */
function nodeConnection(url: URL): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  return {
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Cluster client options from the seed URLs and settings (credentials and TLS come from the first node). */
export function clusterOptionsOf(
  nodes: readonly string[],
  settings: RedisClientSettings,
): { startupNodes: { host: string; port: number }[]; options: ClusterClientOptions } {
  const urls = nodes.map((n) => new URL(n));
  const first = urls[0];
  const startupNodes = urls.map((u) => ({ host: u.hostname, port: u.port === '' ? 6379 : Number(u.port) }));
  const tls = first?.protocol === 'rediss:';
  const redisOptions: NonNullable<ClusterClientOptions['redisOptions']> = {
    ...(first === undefined ? {} : nodeConnection(first)),
    ...(settings.connectTimeout === undefined ? {} : { connectTimeout: settings.connectTimeout }),
    ...(settings.commandTimeout === undefined ? {} : { commandTimeout: settings.commandTimeout }),
    ...(settings.maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest: settings.maxRetriesPerRequest }),
  };
  const options: ClusterClientOptions = {
    redisOptions,
    ...(settings.lazyConnect === undefined ? {} : { lazyConnect: settings.lazyConnect }),
    ...(settings.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: settings.enableOfflineQueue }),
    ...(settings.enableAutoPipelining === undefined ? {} : { enableAutoPipelining: settings.enableAutoPipelining }),
    ...(settings.retryStrategy === undefined ? {} : { clusterRetryStrategy: settings.retryStrategy }),
    // With TLS, keep host names as given instead of resolving them to addresses, so certificates naming hosts
    // verify (ioredis's documented setting for managed TLS clusters such as ElastiCache).
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
  return { startupNodes, options };
}

/** A new client for `target`: `Redis` for one server, `Cluster` for a Redis Cluster. The caller owns it. */
export function createRedisClient(target: RedisTarget, settings: RedisClientSettings = {}): RedisClient {
  if (target.kind === 'cluster') {
    const { startupNodes, options } = clusterOptionsOf(target.nodes, settings);
    return new Cluster(startupNodes, options);
  }
  return new Redis(target.url, {
    ...(settings.lazyConnect === undefined ? {} : { lazyConnect: settings.lazyConnect }),
    ...(settings.connectTimeout === undefined ? {} : { connectTimeout: settings.connectTimeout }),
    ...(settings.commandTimeout === undefined ? {} : { commandTimeout: settings.commandTimeout }),
    ...(settings.maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest: settings.maxRetriesPerRequest }),
    ...(settings.enableOfflineQueue === undefined ? {} : { enableOfflineQueue: settings.enableOfflineQueue }),
    ...(settings.enableAutoPipelining === undefined ? {} : { enableAutoPipelining: settings.enableAutoPipelining }),
    ...(settings.retryStrategy === undefined ? {} : { retryStrategy: settings.retryStrategy }),
  });
}
