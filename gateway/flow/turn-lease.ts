/**
 * Turns survive a replica that dies mid-turn (kill -9, OOM): while a turn runs, its replica keeps a short lease
 * alive in the shared store and marks the turn done when it ends. A platform retry of the same message on another
 * replica normally stops at dedupe (the turn is running or done there); but when the dedupe marker's turn has
 * neither a live lease nor a done mark, its replica is gone before answering, so the retry takes the message over
 * (under a lock: one taker) and runs it. Without this, the retry would be acknowledged as a duplicate and the
 * answer lost. Only needed when replicas share Redis.
 */
import type { TurnContext } from '../../core/context.js';
import { describeError } from '../../core/errors.js';
import type { InboundEvent } from '../../core/envelope.js';
import type { Middleware } from '../../core/middleware.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import { dedupeKey } from '../../core/pipeline/dedupe.js';

export interface TurnLeaseOptions {
  /** How long a lease lives without renewal (default 3 s): the time a dead replica's message waits. */
  readonly leaseMs?: number;
  /** How often a running turn renews its lease (default 1 s). */
  readonly renewMs?: number;
  /** How long the done mark is kept (the dedupe window, default 10 min). */
  readonly doneTtlMs?: number;
}

/** The lease key of a turn (same hash tag as the message's dedupe key). Pure. */
export function leaseKey(event: InboundEvent, turnId: string): string {
  const c = event.conversation;
  return `lease:{${c.channel}:${c.tenant}}:${turnId}`;
}

/** The two pipeline stages: `takeover` before dedupe, `lease` right after it. */
export interface TurnLease {
  readonly takeover: Middleware<TurnContext>;
  readonly lease: Middleware<TurnContext>;
}

export function createTurnLease(options: TurnLeaseOptions, deps: { kv: KeyValue; locks: Locks }): TurnLease {
  const leaseMs = options.leaseMs ?? 3000;
  const renewMs = options.renewMs ?? 1000;
  const doneTtlMs = options.doneTtlMs ?? 10 * 60 * 1000;
  const { kv, locks } = deps;

  /** True when the turn that set `marker` can no longer answer: no live lease and no done mark. */
  const orphaned = async (event: InboundEvent, marker: string): Promise<boolean> =>
    (await kv.get(leaseKey(event, marker))) === undefined;

  return {
    async takeover(ctx, next) {
      const key = dedupeKey(ctx.event);
      const marker = await kv.get(key);
      if (marker === undefined || !(await orphaned(ctx.event, marker))) return next();
      const lock = await locks.acquire(`takeover:{${key}}`, { ttlMs: 5000, waitMs: 5000, signal: ctx.signal });
      try {
        // Re-check under the lock: another retry may have taken it over already (then its marker is new).
        if ((await kv.get(key)) === marker && (await orphaned(ctx.event, marker))) {
          await kv.delete(key);
          ctx.log.warn({ previousTurn: marker }, 'taking over a message whose replica stopped before answering');
        }
      } finally {
        await lock.release();
      }
      return next();
    },
    async lease(ctx, next) {
      const key = leaseKey(ctx.event, ctx.turnId);
      await kv.set(key, 'running', leaseMs);
      const timer = setInterval(() => {
        kv.set(key, 'running', leaseMs).catch((error: unknown) =>
          ctx.log.warn({ err: describeError(error) }, 'turn lease not renewed'),
        );
      }, renewMs);
      timer.unref();
      try {
        await next();
      } finally {
        clearInterval(timer);
        await kv
          .set(key, 'done', doneTtlMs)
          .catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, 'turn not marked done'));
      }
    },
  };
}
