/**
 * QA caches for whole answers (core's `AnswerCache`): an in-process LRU with TTL, or any `KeyValue` store
 * (Redis in production) with TTL. Both count hits and misses; `stats()` reports the hit ratio.
 */
import type { Clock } from '../../core/clock.js';
import type { AnswerCache } from '../../core/engine/types.js';
import type { KeyValue } from '../../core/ports/kv.js';

/** Default time-to-live of a cached answer: 1800 s. */
export const DEFAULT_QA_TTL_MS = 1_800_000;

export interface QaCacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  readonly hitRatio: number;
  /** Entries held (in-process only). */
  readonly size?: number;
}

/**
 * An answer cache with counters: hits and misses count answered questions (`recordLookup`, called by the engine),
 * not raw key reads. `clear()` drops every entry (in-process).
 */
export interface QaCache extends AnswerCache {
  readonly kind: 'lru' | 'kv';
  recordLookup(hit: boolean): void;
  stats(): QaCacheStats;
  clear(): void;
}

function ratio(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}

export interface LruQaCacheOptions {
  /** Most entries kept (default 10000); the least recently used go first. */
  readonly maxEntries?: number;
  readonly ttlMs?: number;
}

/** In-process LRU (a Map in recency order) with TTL checked on read. */
export function createLruQaCache(options: LruQaCacheOptions, deps: { clock: Clock }): QaCache {
  const max = Math.max(1, options.maxEntries ?? 10_000);
  const ttl = options.ttlMs ?? DEFAULT_QA_TTL_MS;
  const entries = new Map<string, { value: string; expires: number }>();
  let hits = 0;
  let misses = 0;
  return {
    kind: 'lru',
    get: (key) => {
      const e = entries.get(key);
      if (e === undefined || e.expires <= deps.clock.now()) {
        if (e !== undefined) entries.delete(key);
        return Promise.resolve(undefined);
      }
      entries.delete(key);
      entries.set(key, e);
      return Promise.resolve(e.value);
    },
    set: (key, value) => {
      entries.delete(key);
      entries.set(key, { value, expires: deps.clock.now() + ttl });
      while (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return Promise.resolve();
    },
    recordLookup: (hit) => {
      if (hit) hits++;
      else misses++;
    },
    stats: () => ({ hits, misses, hitRatio: ratio(hits, misses), size: entries.size }),
    clear: () => entries.clear(),
  };
}

export interface KvQaCacheOptions {
  readonly kv: KeyValue;
  /** Prepended to every key (default `qa:`). */
  readonly prefix?: string;
  readonly ttlMs?: number;
}

/**
 * A cache on a `KeyValue` store (shared by replicas on Redis). Entries expire by TTL; `clear()` cannot enumerate
 * keys, so invalidation is by namespace (the engine puts the bot's content hash in every key).
 * Store failures count as misses and are not thrown: the cache never breaks a turn.
 */
export function createKvQaCache(options: KvQaCacheOptions): QaCache {
  const prefix = options.prefix ?? 'qa:';
  const ttl = options.ttlMs ?? DEFAULT_QA_TTL_MS;
  let hits = 0;
  let misses = 0;
  return {
    kind: 'kv',
    get: async (key) => {
      try {
        return await options.kv.get(`${prefix}${key}`);
      } catch {
        return undefined;
      }
    },
    set: async (key, value) => {
      try {
        await options.kv.set(`${prefix}${key}`, value, ttl);
      } catch {
        // A cache that cannot write only costs speed.
      }
    },
    recordLookup: (hit) => {
      if (hit) hits++;
      else misses++;
    },
    stats: () => ({ hits, misses, hitRatio: ratio(hits, misses) }),
    clear: () => undefined,
  };
}
