import type { Clock } from '../core/clock.js';
import type { KeyValue } from '../core/ports/kv.js';
import { fromSync } from './from-sync.js';
import { requirePositiveInteger, ttlToMs } from './validate.js';

/** Default bound on entries held by one in-process key-value store. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** Options of {@link createInProcessKeyValue}. */
export interface InProcessKeyValueOptions {
  readonly clock: Clock;
  /** Entries kept at most; past it, expired entries are swept and then the oldest writes dropped (default 100 000). */
  readonly maxEntries?: number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * Key-value store in a `Map` with per-entry expiry by the injected clock (for one process).
 * Map order is write order: a few expired heads are swept on each write; when the bound is exceeded, every
 * expired entry is swept (at most once per `maxEntries / 10` writes) and then the oldest writes are evicted.
 */
export function createInProcessKeyValue(options: InProcessKeyValueOptions): KeyValue {
  const { clock } = options;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  requirePositiveInteger('kv maxEntries', maxEntries);
  const sweepEvery = Math.max(1, Math.floor(maxEntries / 10));
  const entries = new Map<string, Entry>();
  let writesSinceSweep = sweepEvery;

  const live = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const write = (key: string, value: string, ttlMs: number, now: number): void => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now + ttlMs });
    writesSinceSweep++;
    let checked = 0;
    for (const [headKey, head] of entries) {
      if (checked++ >= 4 || now < head.expiresAt) break;
      entries.delete(headKey);
    }
    if (entries.size <= maxEntries) return;
    if (writesSinceSweep >= sweepEvery) {
      writesSinceSweep = 0;
      for (const [k, e] of entries) if (now >= e.expiresAt) entries.delete(k);
    }
    for (const k of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(k);
    }
  };

  return {
    setIfAbsent(key, value, ttlMs) {
      return fromSync(() => {
        const ttl = ttlToMs('kv ttlMs', ttlMs);
        const now = clock.now();
        if (live(key, now) !== undefined) return false;
        write(key, value, ttl, now);
        return true;
      });
    },

    get(key) {
      return Promise.resolve(live(key, clock.now())?.value);
    },

    set(key, value, ttlMs) {
      return fromSync(() => write(key, value, ttlToMs('kv ttlMs', ttlMs), clock.now()));
    },

    delete(key) {
      entries.delete(key);
      return Promise.resolve();
    },

    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
