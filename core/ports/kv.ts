/**
 * Small key-value port for dedupe markers, idempotency ledgers and short-lived state.
 * Implementations: in-process and Redis (SET NX PX); both pass the KeyValue contract suite.
 */
export interface KeyValue {
  /** Sets `key` only if absent; returns true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

/** A held lock; `release` is idempotent. */
export interface LockHandle {
  release(): Promise<void>;
}

/**
 * Mutual exclusion by key: one turn at a time per conversation, one token refresher across replicas.
 * Waiters on one process are served in arrival order.
 */
export interface Locks {
  /** Waits until the lock for `key` is held (or `waitMs` passes: `lock.timeout`). `ttlMs` bounds a crashed holder. */
  acquire(key: string, options: { ttlMs: number; waitMs: number; signal?: AbortSignal }): Promise<LockHandle>;
  close(): Promise<void>;
}
