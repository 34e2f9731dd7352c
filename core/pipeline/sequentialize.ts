import type { TurnContext } from '../context.js';
import type { Middleware } from '../middleware.js';
import type { Locks } from '../ports/kv.js';

export interface SequentializeOptions {
  /** Upper bound on a turn holding the lock (a crashed replica's lock expires after this). */
  readonly lockTtlMs: number;
  /** How long a turn waits for its conversation's lock before failing with `lock.timeout`. */
  readonly waitMs: number;
}

/**
 * One turn at a time per conversation, so memory reads and writes never interleave
 * (grammY's `sequentialize` lesson). Across replicas when `locks` is Redis-backed.
 */
export function sequentialize(locks: Locks, options: SequentializeOptions): Middleware<TurnContext> {
  return async (ctx, next) => {
    const handle = await locks.acquire(`lock:{${ctx.conversationKey}}`, {
      ttlMs: options.lockTtlMs,
      waitMs: options.waitMs,
      signal: ctx.signal,
    });
    try {
      await next();
    } finally {
      await handle.release();
    }
  };
}
