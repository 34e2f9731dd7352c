/**
 * Turns survive a replica that dies mid-turn (kill -9, OOM): while a turn runs, its replica keeps a short lease
 * alive in the shared store and, when the turn ends, records it as done together with what it sent. A platform
 * retry of the same message on another replica normally stops at dedupe; then:
 * - the dedupe marker's turn has neither a live lease nor a done record: its replica is gone before answering, so
 *   the retry takes the message over (under a lock: one taker) and runs it. Without this, the retry would be
 *   acknowledged as a duplicate and the answer lost;
 * - the turn is done: the retry is a duplicate whose outcome carries the original replies (`TurnOutcome.original`),
 *   so a channel whose original delivery died with its replica (a WeChat answer held in memory) can still deliver
 *   them.
 * The done record is written by `seal`, the outermost stage, after the error boundary's apology, so it holds
 * everything the turn sent; the lease is renewed until then. Only needed when replicas share Redis.
 */
import type { TurnContext } from '../../core/context.js';
import { describeError } from '../../core/errors.js';
import type { InboundEvent } from '../../core/envelope.js';
import type { Middleware } from '../../core/middleware.js';
import type { KeyValue, Locks } from '../../core/ports/kv.js';
import { dedupeKey } from '../../core/pipeline/dedupe.js';
import { ORIGINAL_TURN, type RecordedTurn } from '../../core/turn.js';

export interface TurnLeaseOptions {
  /** How long a lease lives without renewal (default 3 s): the time a dead replica's message waits. */
  readonly leaseMs?: number;
  /** How often a running turn renews its lease (default 1 s). */
  readonly renewMs?: number;
  /** How long the done record is kept (the dedupe window, default 10 min). */
  readonly doneTtlMs?: number;
}

/** The lease key of a turn (same hash tag as the message's dedupe key). Pure. */
export function leaseKey(event: InboundEvent, turnId: string): string {
  const c = event.conversation;
  return `lease:{${c.channel}:${c.tenant}}:${turnId}`;
}

const RUNNING = 'running';

/** What a lease value says: running, done (with its record when one was kept), or nothing (orphaned). Pure. */
export function readLease(
  value: string | undefined,
): { state: 'orphaned' } | { state: 'running' } | { state: 'done'; record: RecordedTurn | undefined } {
  if (value === undefined) return { state: 'orphaned' };
  if (value === RUNNING) return { state: 'running' };
  try {
    const parsed = JSON.parse(value) as { done?: unknown; replies?: unknown };
    if (parsed.done === true && Array.isArray(parsed.replies)) return { state: 'done', record: parsed as RecordedTurn };
  } catch {
    // 'done' from an earlier version: finished, nothing recorded
  }
  return { state: 'done', record: undefined };
}

/** The pipeline stages: `seal` outermost, `takeover` before dedupe, `lease` right after it. */
export interface TurnLease {
  readonly seal: Middleware<TurnContext>;
  readonly takeover: Middleware<TurnContext>;
  readonly lease: Middleware<TurnContext>;
  /**
   * True while the message's turn runs under a live lease (its replica renews it; a dead replica's lapses after
   * `leaseMs`): a retry dispatched now would only be a duplicate. False when no turn took it, or it finished, or
   * its replica is gone (a dispatch then takes it over).
   */
  running(event: InboundEvent): Promise<boolean>;
}

/** Between `seal` and `lease`: the running lease's key and how to stop renewing it. */
const LEASE_STATE = 'turnLease';
interface Held {
  key?: string;
  stop?: () => void;
}

export function createTurnLease(options: TurnLeaseOptions, deps: { kv: KeyValue; locks: Locks }): TurnLease {
  const leaseMs = options.leaseMs ?? 3000;
  const renewMs = options.renewMs ?? 1000;
  const doneTtlMs = options.doneTtlMs ?? 10 * 60 * 1000;
  const { kv, locks } = deps;

  const markDone = (ctx: TurnContext, key: string) => {
    const record = {
      done: true,
      replies: ctx.sent,
      ...(ctx.understanding === undefined ? {} : { understanding: ctx.understanding }),
    };
    return kv
      .set(key, JSON.stringify(record), doneTtlMs)
      .catch((error: unknown) => ctx.log.warn({ err: describeError(error) }, 'turn not marked done'));
  };

  return {
    async running(event) {
      const marker = await kv.get(dedupeKey(event));
      return marker !== undefined && readLease(await kv.get(leaseKey(event, marker))).state === 'running';
    },
    async seal(ctx, next) {
      const held: Held = {};
      ctx.state.set(LEASE_STATE, held);
      let finished = false;
      try {
        await next();
        finished = true;
      } finally {
        // Renewal stops first, so no renewal lands after the done record. A turn that failed outright (the event
        // was not taken) is not done: its lease lapses.
        held.stop?.();
        if (finished && held.key !== undefined) await markDone(ctx, held.key);
      }
    },
    async takeover(ctx, next) {
      const key = dedupeKey(ctx.event);
      const marker = await kv.get(key);
      if (marker === undefined) return next();
      const lease = readLease(await kv.get(leaseKey(ctx.event, marker)));
      if (lease.state === 'done' && lease.record !== undefined) ctx.state.set(ORIGINAL_TURN, lease.record);
      if (lease.state !== 'orphaned') return next();
      const lock = await locks.acquire(`takeover:{${key}}`, { ttlMs: 5000, waitMs: 5000, signal: ctx.signal });
      try {
        // Re-check under the lock: another retry may have taken it over already (then its marker is new).
        if (
          (await kv.get(key)) === marker &&
          readLease(await kv.get(leaseKey(ctx.event, marker))).state === 'orphaned'
        ) {
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
      await kv.set(key, RUNNING, leaseMs);
      const timer = setInterval(() => {
        kv.set(key, RUNNING, leaseMs).catch((error: unknown) =>
          ctx.log.warn({ err: describeError(error) }, 'turn lease not renewed'),
        );
      }, renewMs);
      timer.unref();
      const held = ctx.state.get(LEASE_STATE) as Held | undefined;
      if (held !== undefined) {
        // `seal` records the turn once everything (an apology included) is sent, then stops renewing.
        held.key = key;
        held.stop = () => clearInterval(timer);
        return next();
      }
      try {
        await next();
      } finally {
        clearInterval(timer);
        await markDone(ctx, key);
      }
    },
  };
}
