/**
 * Fault injection around a real KeyValue store (in the channel tests, memory/'s in-process one): for the tests that
 * need the state store to go down or to hold a write. Every other test uses the memory/ store directly.
 */
import { BotError } from '../../core/errors.js';
import type { KeyValue } from '../../core/ports/kv.js';

export interface FaultyKeyValue extends KeyValue {
  /** While true, every call rejects with `kv.unavailable`, as memory/'s Redis store does when Redis is down. */
  failing: boolean;
  /** Awaited by `setIfAbsent` before it writes (a test holds a write to observe what happens meanwhile). */
  gate: ((key: string) => Promise<void>) | undefined;
}

/** Wraps `inner`; with `failing` false and no `gate` it behaves exactly like `inner`. */
export function faultyKeyValue(inner: KeyValue): FaultyKeyValue {
  const check = (): void => {
    if (kv.failing) throw new BotError('kv.unavailable', 'injected fault: state store down');
  };
  const kv: FaultyKeyValue = {
    failing: false,
    gate: undefined,
    async setIfAbsent(key, value, ttlMs) {
      await kv.gate?.(key);
      check();
      return inner.setIfAbsent(key, value, ttlMs);
    },
    async get(key) {
      check();
      return inner.get(key);
    },
    async set(key, value, ttlMs) {
      check();
      return inner.set(key, value, ttlMs);
    },
    async delete(key) {
      check();
      return inner.delete(key);
    },
    close: () => inner.close(),
  };
  return kv;
}
