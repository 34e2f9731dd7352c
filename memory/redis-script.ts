import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

/** A Lua script run with EVALSHA, falling back to EVAL once when the server's script cache lacks it. */
export interface RedisScript {
  readonly sha: string;
  run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Wraps a Lua script. Unlike `redis.defineCommand`, this does not add methods to a client the caller owns.
 * Scripts touch only the keys passed in KEYS, so they are Redis Cluster safe when those keys share a hash tag.
 */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    sha,
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}
