import type { Clock } from '../core/clock.js';
import { BotError } from '../core/errors.js';
import type { LockHandle, Locks } from '../core/ports/kv.js';
import { abortError } from './abort.js';
import { ttlToMs, waitToMs } from './validate.js';

/** Options of {@link createInProcessLocks}. */
export interface InProcessLocksOptions {
  readonly clock: Clock;
}

interface Holder {
  /** Cancels the lease timer. */
  readonly lease: AbortController;
}

interface Waiter {
  readonly ttlMs: number;
  /** Hands the lock over; stops the waiter's timers and listeners. */
  grant(holder: Holder): void;
  fail(error: Error): void;
}

interface KeyState {
  holder: Holder | undefined;
  readonly queue: Waiter[];
}

const ignore = (): void => undefined;
/** Reason for ending a lease timer; shared so a release does not build an Error (and its stack) per turn. */
const RELEASED: unknown = Object.freeze({ released: true });

/**
 * Per-key mutual exclusion for one process, FIFO: the lock passes straight to the longest waiter on release,
 * so later arrivals never barge in. A holder that never releases loses the lock after `ttlMs` (by the
 * injected clock); its late `release()` is then a no-op. A waiter rejects with `BotError('lock.timeout')`
 * after `waitMs`, or with the signal's reason when aborted, and leaves the queue. A key with no holder and
 * no waiters is forgotten, so idle keys cost nothing.
 */
export function createInProcessLocks(options: InProcessLocksOptions): Locks {
  const { clock } = options;
  const states = new Map<string, KeyState>();
  let closed = false;

  const grant = (key: string, state: KeyState, ttlMs: number): Holder => {
    const holder: Holder = { lease: new AbortController() };
    state.holder = holder;
    clock.sleep(ttlMs, holder.lease.signal).then(() => release(key, holder), ignore);
    return holder;
  };

  const release = (key: string, holder: Holder): void => {
    const state = states.get(key);
    if (state?.holder !== holder) return;
    holder.lease.abort(RELEASED);
    state.holder = undefined;
    const next = state.queue.shift();
    if (next === undefined) states.delete(key);
    else next.grant(grant(key, state, next.ttlMs));
  };

  const handleFor = (key: string, holder: Holder): LockHandle => ({
    release() {
      release(key, holder);
      return Promise.resolve();
    },
  });

  return {
    acquire(key, { ttlMs, waitMs, signal }) {
      return new Promise<LockHandle>((resolve, reject) => {
        const ttl = ttlToMs('lock ttlMs', ttlMs);
        const wait = waitToMs(waitMs);
        if (closed) throw new BotError('kv.unavailable', 'locks are closed');
        if (signal?.aborted === true) throw abortError(signal);
        let state = states.get(key);
        if (state === undefined) {
          state = { holder: undefined, queue: [] };
          states.set(key, state);
        }
        if (state.holder === undefined && state.queue.length === 0) {
          resolve(handleFor(key, grant(key, state, ttl)));
          return;
        }
        if (wait === 0) throw timeoutError(key, wait);

        const queued = state;
        const timer = new AbortController();
        const leave = (error: Error): void => {
          const i = queued.queue.indexOf(waiter);
          if (i >= 0) queued.queue.splice(i, 1);
          waiter.fail(error);
        };
        const onAbort = (): void => {
          if (signal !== undefined) leave(abortError(signal));
        };
        const waiter: Waiter = {
          ttlMs: ttl,
          grant(holder) {
            stop();
            resolve(handleFor(key, holder));
          },
          fail(error) {
            stop();
            reject(error);
          },
        };
        const stop = (): void => {
          timer.abort();
          signal?.removeEventListener('abort', onAbort);
        };
        queued.queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        clock.sleep(wait, timer.signal).then(() => leave(timeoutError(key, wait)), ignore);
      });
    },

    close() {
      closed = true;
      const waiters = [...states.values()].flatMap((s) => s.queue.splice(0));
      for (const state of states.values()) state.holder?.lease.abort(RELEASED);
      states.clear();
      for (const waiter of waiters) waiter.fail(new BotError('kv.unavailable', 'locks closed while waiting'));
      return Promise.resolve();
    },
  };
}

/** The error a waiter gets when `waitMs` passes. */
export function timeoutError(key: string, waitMs: number): BotError {
  return new BotError('lock.timeout', `lock "${key}" not acquired within ${waitMs} ms; another turn holds it`, {
    details: { key, waitMs },
  });
}
