/**
 * Real-Redis test support. Tests that need Redis call `redisOrSkip(this)` in a `before` hook (or use
 * `useRedis()`); when Redis is not reachable at REDIS_URL (default redis://127.0.0.1:6379) they are skipped
 * with one printed notice per process instead of failing.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type Cluster } from 'ioredis';

/** Per-client settings tests may choose. */
export interface TestClientOptions {
  /** CLIENT SETNAME, to find the connection (and its duplicates) in CLIENT LIST. */
  readonly connectionName?: string;
}

/** Where the tests look for Redis. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const CONNECT_TIMEOUT_MS = 1_000;

// Test-process-wide: probe once and warn once, however many suites ask.
let reachable: Promise<boolean> | undefined;

/** A new client for REDIS_URL that fails fast: short connect timeout, no reconnect loop, no offline queue. */
export function newRedisClient(options: TestClientOptions = {}): Redis {
  return new Redis(REDIS_URL, {
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
}

/** REDIS_URL with any password masked, for notices. */
export function redactedRedisUrl(url: string = REDIS_URL): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

async function probe(): Promise<boolean> {
  const client = newRedisClient();
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    console.warn(`Redis not reachable at ${redactedRedisUrl()}; skipping Redis tests`);
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Returns a connected client, or skips the calling test/suite (`ctx.skip()`) when Redis is unreachable.
 * The caller quits the client (`useRedis()` does it for you).
 */
export async function redisOrSkip(ctx: Mocha.Context): Promise<Redis> {
  reachable ??= probe();
  if (!(await reachable)) ctx.skip();
  const client = newRedisClient();
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A key prefix no other test run uses: `clawbot-test-<label>-<pid>-<random>` (no braces, no glob characters). */
export function uniquePrefix(label = 'run'): string {
  return `clawbot-test-${label}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Escapes Redis glob metacharacters so `prefix` matches literally in SCAN MATCH. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Every key starting with `prefix` (SCAN, never KEYS). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(found)];
}

/** Deletes every key starting with `prefix`; returns how many were deleted. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(redis, prefix);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await redis.del(...keys.slice(i, i + 500));
  return deleted;
}

const FAST_FORWARD_LUA = `
local left = redis.call('PTTL', KEYS[1])
if left < 0 then return left end
if left <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) return 0 end
redis.call('PEXPIRE', KEYS[1], left - tonumber(ARGV[1]))
return left - tonumber(ARGV[1])
`;

/**
 * Simulates `ms` passing for every key under `prefix` by shortening its TTL (deleting it when the TTL runs out),
 * so TTL behaviour is tested against real Redis without sleeping. Keys without a TTL are untouched.
 */
export async function fastForward(redis: Redis, prefix: string, ms: number): Promise<void> {
  await fastForwardKeys(redis, await keysUnder(redis, prefix), ms);
}

/** {@link fastForward} for the given keys, on a single node or a cluster. */
export async function fastForwardKeys(client: Redis | Cluster, keys: readonly string[], ms: number): Promise<void> {
  for (const key of keys) await client.eval(FAST_FORWARD_LUA, 1, key, ms);
}

/** What `useRedis()` gives a suite. Read the fields inside tests/hooks, after the `before` hook ran. */
export interface RedisFixture {
  /** A connected client owned by the fixture. */
  readonly client: Redis;
  /** This suite run's unique key prefix; keys under it are deleted after the suite. */
  readonly prefix: string;
  /** Another connected client (a second "replica"); disconnected by the fixture after the suite. */
  extraClient(options?: TestClientOptions): Promise<Redis>;
}

/**
 * Registers `before`/`after` hooks in the current `describe`: connect (or skip the suite), then delete keys
 * under the run's prefix and quit every client made.
 */
export function useRedis(label?: string): RedisFixture {
  const clients: Redis[] = [];
  let main: Redis | undefined;
  const prefix = uniquePrefix(label);
  before(async function () {
    main = await redisOrSkip(this);
    clients.push(main);
  });
  after(async function () {
    if (main !== undefined && main.status === 'ready') await deleteKeysUnder(main, prefix);
    for (const c of clients) c.disconnect();
  });
  return {
    get client(): Redis {
      if (main === undefined) throw new Error('useRedis: client read before the before() hook ran');
      return main;
    },
    prefix,
    async extraClient(options?: TestClientOptions) {
      const c = newRedisClient(options);
      c.on('error', () => undefined);
      clients.push(c);
      await c.connect();
      return c;
    },
  };
}
