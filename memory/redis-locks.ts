import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { BotError, describeError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Locks } from '../core/ports/kv.js';
import { abortError } from './abort.js';
import { createInProcessLocks, timeoutError } from './in-process-locks.js';
import { lockKey, lockReleaseChannel, namespaceOf, type RedisNamespace } from './redis-keys.js';
import { duplicateForSubscribe, type RedisClient } from './redis-client.js';
import { redisScript } from './redis-script.js';
import { requirePositiveInteger, ttlToMs, waitToMs } from './validate.js';

/** Options of {@link createRedisLocks}. */
export interface RedisLocksOptions extends RedisNamespace {
  readonly redis: RedisClient;
  /** Time for wait budgets and back-off (default: the system clock). */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** When true, `close()` quits `redis`; by default the caller owns it. The subscriber connection is always ours. */
  readonly ownsClient?: boolean;
  /** First and largest pause between acquisition attempts (default 2 ms doubling up to 50 ms); integers, min <= max. */
  readonly retryDelayMs?: { readonly min: number; readonly max: number };
}

/** Deletes KEYS[1] only while it still holds our token ARGV[1], then announces the release on channel ARGV[2]. */
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], KEYS[1])
  return 1
end
return 0
`;
const releaseScript = redisScript(RELEASE_LUA);

/**
 * Locks shared by every replica through Redis.
 *
 * - Acquire: `SET <ns>:lock:{<key>} <random token> NX PX ttlMs`; the TTL bounds a crashed holder.
 * - Release: compare-and-delete Lua script (never deletes a lock that expired and was taken by someone else),
 *   which also PUBLISHes the key on `<ns>:lock:released`.
 * - Waiting: this process's waiters first queue locally per key (FIFO, in-process locks), so only the head
 *   contends in Redis; it retries with back-off (2 ms doubling to 50 ms) and wakes early when a release of
 *   its key is published (subscriber: a duplicate of `redis` made on first contention; a Cluster client subscribes
 *   through one node, and PUBLISH reaches every node). All bounded by `waitMs`.
 */
export function createRedisLocks(options: RedisLocksOptions): Locks {
  const { redis } = options;
  const ns = namespaceOf(options);
  const channel = lockReleaseChannel(ns);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const minDelay = options.retryDelayMs?.min ?? 2;
  const maxDelay = options.retryDelayMs?.max ?? 50;
  requirePositiveInteger('lock retryDelayMs.min', minDelay);
  requirePositiveInteger('lock retryDelayMs.max', maxDelay);
  if (maxDelay < minDelay) {
    throw new BotError(
      'config.invalid',
      `lock retryDelayMs.max (${maxDelay}) must be >= retryDelayMs.min (${minDelay})`,
    );
  }
  const local = createInProcessLocks({ clock });
  const wakers = new Map<string, Set<() => void>>();
  const closing = new AbortController();
  let subscriber: RedisClient | undefined;

  const ensureSubscriber = (): void => {
    if (subscriber !== undefined || closing.signal.aborted) return;
    // lazyConnect + explicit connect: subscribe only once ready, whatever the caller's offline-queue setting.
    const sub = duplicateForSubscribe(redis, { lazyConnect: true });
    subscriber = sub;
    sub.on('error', (error: unknown) => logger.warn({ err: describeError(error) }, 'lock release subscriber error'));
    sub.on('message', (from: string, released: string) => {
      if (from !== channel) return;
      for (const wake of wakers.get(released) ?? []) wake();
    });
    sub
      .connect()
      .then(() => sub.subscribe(channel))
      .catch((error: unknown) => {
        if (closing.signal.aborted) return;
        logger.warn({ err: describeError(error) }, 'lock release subscription failed; falling back to polling');
      });
  };

  /** Sleeps up to `ms`, returning early when `redisKey` is released, the caller aborts or the store closes. */
  const pause = async (redisKey: string, ms: number, signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted === true || closing.signal.aborted) return;
    const stop = new AbortController();
    const wake = (): void => stop.abort();
    let set = wakers.get(redisKey);
    if (set === undefined) wakers.set(redisKey, (set = new Set()));
    set.add(wake);
    signal?.addEventListener('abort', wake, { once: true });
    closing.signal.addEventListener('abort', wake, { once: true });
    try {
      await clock.sleep(ms, stop.signal);
    } catch {
      // woken early
    } finally {
      set.delete(wake);
      if (set.size === 0) wakers.delete(redisKey);
      signal?.removeEventListener('abort', wake);
      closing.signal.removeEventListener('abort', wake);
    }
  };

  const checkStop = (signal: AbortSignal | undefined): void => {
    if (signal?.aborted === true) throw abortError(signal);
    if (closing.signal.aborted) throw new BotError('kv.unavailable', 'locks closed while waiting');
  };

  const redisFailure = (op: string, error: unknown): BotError =>
    new BotError('kv.unavailable', `Redis lock ${op} failed: ${describeError(error)}; is Redis up?`, { cause: error });

  const releaseInRedis = async (redisKey: string, token: string): Promise<void> => {
    try {
      await releaseScript.run(redis, [redisKey], [token, channel]);
    } catch (error) {
      logger.warn({ key: redisKey, err: describeError(error) }, 'lock release failed; it expires with its TTL');
    }
  };

  /** Takes the Redis lock or throws (timeout, abort, close, Redis failure). */
  const contend = async (
    key: string,
    redisKey: string,
    token: string,
    ttlMs: number,
    budget: { readonly deadline: number; readonly waitMs: number },
    signal: AbortSignal | undefined,
  ): Promise<void> => {
    let delay = minDelay;
    for (;;) {
      checkStop(signal);
      let reply: 'OK' | null;
      try {
        reply = await redis.set(redisKey, token, 'PX', ttlMs, 'NX');
      } catch (error) {
        throw redisFailure('acquire', error);
      }
      if (reply === 'OK') {
        try {
          checkStop(signal);
        } catch (error) {
          await releaseInRedis(redisKey, token);
          throw error;
        }
        return;
      }
      const remaining = budget.deadline - clock.now();
      if (remaining <= 0) throw timeoutError(key, budget.waitMs);
      ensureSubscriber();
      await pause(redisKey, Math.min(delay, remaining), signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  return {
    async acquire(key, { ttlMs, waitMs, signal }) {
      const ttl = ttlToMs('lock ttlMs', ttlMs);
      const wait = waitToMs(waitMs);
      checkStop(signal);
      const started = clock.now();
      const slot = await local.acquire(key, { ttlMs: ttl, waitMs: wait, ...(signal ? { signal } : {}) });
      const redisKey = lockKey(ns, key);
      const token = randomUUID();
      try {
        await contend(key, redisKey, token, ttl, { deadline: started + wait, waitMs: wait }, signal);
      } catch (error) {
        await slot.release();
        throw error;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          try {
            await releaseInRedis(redisKey, token);
          } finally {
            await slot.release();
          }
        },
      };
    },

    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      await local.close();
      const sub = subscriber;
      subscriber = undefined;
      sub?.disconnect();
      if (options.ownsClient === true) await redis.quit();
    },
  };
}
