/**
 * Nothing acknowledged that was not stored: when a state store fails during a turn before anything was sent, the
 * turn is passed on as a failure (the channel does not acknowledge it; REST answers 503) instead of an apology,
 * and the dedupe marker this turn set is given back (best effort) so the platform's retry runs the turn.
 */
import type { TurnContext } from '../../core/context.js';
import { isBotError, type ErrorCode } from '../../core/errors.js';
import type { Middleware } from '../../core/middleware.js';
import type { KeyValue } from '../../core/ports/kv.js';
import { dedupeKey } from '../../core/pipeline/dedupe.js';

const STORE_DOWN: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['kv.unavailable', 'memory.unavailable']);

/** True for errors that mean a state store is unreachable (Redis down or reconnecting). */
export function isStoreUnavailable(error: unknown): boolean {
  return isBotError(error) && STORE_DOWN.has(error.code);
}

/** Place right before dedupe: on a store failure with nothing sent, releases this turn's dedupe marker. */
export function releaseDedupeOnStoreFailure(kv: KeyValue): Middleware<TurnContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error: unknown) {
      if (isStoreUnavailable(error) && ctx.sent.length === 0 && ctx.state.get('duplicate') !== true) {
        const key = dedupeKey(ctx.event);
        try {
          if ((await kv.get(key)) === ctx.turnId) await kv.delete(key);
        } catch {
          // the store is still down: its marker (if it was written at all) expires with the dedupe TTL
        }
      }
      throw error;
    }
  };
}
