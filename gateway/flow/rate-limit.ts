/**
 * Rate limiters: a fixed window per key, in process (a bounded map) or shared by every replica through Redis
 * (rate-limiter-flexible's atomic INCR + PEXPIRE script; one key per call, so Redis Cluster safe). When Redis fails
 * the Redis limiter falls back to counting in process, so an outage never throttles everybody.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../core/clock.js';
import type { RedisClient } from '../app/redis-client.js';
import { countInWindow, decideFromCount, type RateDecision, type WindowState } from './decisions.js';

/** Counts messages per key. */
export interface RateLimiter {
  /** Counts one message for `key` and says whether it is allowed. */
  consume(key: string): Promise<RateDecision>;
}

export interface RateLimiterOptions {
  /** Messages allowed per window. */
  readonly points: number;
  readonly windowMs: number;
  /** Key namespace, e.g. `clawbot:rl:user` (Redis keys are `<prefix>:<key>`). */
  readonly prefix: string;
  /** In-process limiter: most keys remembered (oldest windows are forgotten first; default 100 000). */
  readonly maxKeys?: number;
}

/** A limiter counting in this process, on the injected clock. */
export function createInProcessRateLimiter(options: RateLimiterOptions, deps: { clock: Clock }): RateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, WindowState>();
  const prune = (now: number): void => {
    for (const [key, state] of windows) if (state.resetAt <= now) windows.delete(key);
    // Still full: forget the oldest insertions (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  };
  return {
    consume(key) {
      const now = deps.clock.now();
      const { state, decision } = countInWindow(windows.get(key), now, options.points, options.windowMs);
      if (!windows.has(key) && windows.size >= maxKeys) prune(now);
      windows.set(key, state);
      return Promise.resolve(decision);
    },
  };
}

/** A limiter shared by every replica through Redis (`redis` must be the gateway's ioredis client). */
export function createRedisRateLimiter(options: RateLimiterOptions, deps: { redis: RedisClient }): RateLimiter {
  const duration = Math.max(1, Math.ceil(options.windowMs / 1000));
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis,
    keyPrefix: options.prefix,
    points: options.points,
    duration,
    // Redis down: count in process instead of failing every message (or letting everything through).
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: options.prefix, points: options.points, duration }),
  });
  return {
    async consume(key) {
      try {
        const res = await limiter.consume(key, 1);
        return decideFromCount(res.consumedPoints, res.msBeforeNext, options.points);
      } catch (error: unknown) {
        if (error instanceof RateLimiterRes) {
          return decideFromCount(error.consumedPoints, error.msBeforeNext, options.points);
        }
        throw error;
      }
    },
  };
}

/** A limiter that allows everything (a limit of 0 = off). */
export const unlimited: RateLimiter = Object.freeze({
  consume: () => Promise.resolve({ allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterMs: 0 }),
});

/** Redis when a client is given, else in process; `unlimited` when `points` is 0. */
export function createRateLimiter(
  options: RateLimiterOptions,
  deps: { clock: Clock; redis?: RedisClient | undefined },
): RateLimiter {
  if (options.points <= 0) return unlimited;
  return deps.redis === undefined
    ? createInProcessRateLimiter(options, { clock: deps.clock })
    : createRedisRateLimiter(options, { redis: deps.redis });
}
