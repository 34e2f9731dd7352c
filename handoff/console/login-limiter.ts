/** Slows down password guessing: after `maxFailures` failed logins for a username (or address) within the window, refuse. */
import type { Clock } from '../../core/clock.js';

export interface LoginLimiter {
  /** True when another attempt is allowed for these keys. */
  allowed(keys: readonly string[]): boolean;
  fail(keys: readonly string[]): void;
  succeed(keys: readonly string[]): void;
}

/** An in-process limiter (per replica; the scrypt cost bounds the rest). */
export function createLoginLimiter(
  options: { maxFailures: number; windowMs: number },
  deps: { clock: Clock },
): LoginLimiter {
  const failures = new Map<string, { count: number; since: number }>();
  const current = (key: string) => {
    const f = failures.get(key);
    if (f === undefined || deps.clock.now() - f.since > options.windowMs) return undefined;
    return f;
  };
  return {
    allowed: (keys) => keys.every((k) => (current(k)?.count ?? 0) < options.maxFailures),
    fail(keys) {
      if (failures.size > 10_000) failures.clear();
      for (const k of keys) {
        const f = current(k);
        failures.set(k, { count: (f?.count ?? 0) + 1, since: f?.since ?? deps.clock.now() });
      }
    },
    succeed(keys) {
      for (const k of keys) failures.delete(k);
    },
  };
}
