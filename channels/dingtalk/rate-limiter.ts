import type { Clock } from '../../core/clock.js';

/** A FIFO sliding-window limiter: at most `limit` grants in any `windowMs`; callers wait, nothing is dropped. */
export interface SlidingWindowLimiter {
  /** Resolves when the caller may proceed (in arrival order); rejects when `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Grants nothing until `ms` from now (e.g. the platform said it throttled us). */
  pause(ms: number): void;
  /** Callers waiting for a grant. */
  waiting(): number;
}

/** The wait before the next grant, given recent grant times (oldest first). Pure. */
export function nextGrantDelay(
  grants: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
  pausedUntil: number,
): number {
  const recent = grants.filter((t) => t > now - windowMs);
  const pauseWait = Math.max(0, pausedUntil - now);
  if (recent.length < limit) return pauseWait;
  const oldest = recent[recent.length - limit] ?? now;
  return Math.max(pauseWait, oldest + windowMs - now);
}

/** Creates a limiter; state lives in the returned object, time comes from `clock`. */
export function createSlidingWindowLimiter(
  options: { readonly limit: number; readonly windowMs: number },
  deps: { readonly clock: Clock },
): SlidingWindowLimiter {
  let grants: number[] = [];
  let pausedUntil = 0;
  let tail: Promise<void> = Promise.resolve();
  let waiting = 0;

  return {
    acquire(signal) {
      waiting++;
      const turn = tail.then(async () => {
        try {
          for (;;) {
            signal?.throwIfAborted();
            const now = deps.clock.now();
            grants = grants.filter((t) => t > now - options.windowMs);
            const delay = nextGrantDelay(grants, now, options.limit, options.windowMs, pausedUntil);
            if (delay <= 0) {
              grants.push(now);
              return;
            }
            await deps.clock.sleep(delay, signal);
          }
        } finally {
          waiting--;
        }
      });
      tail = turn.catch(() => undefined);
      return turn;
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, deps.clock.now() + ms);
    },
    waiting: () => waiting,
  };
}
