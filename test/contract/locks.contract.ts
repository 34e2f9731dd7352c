/**
 * The Locks contract: every implementation (in-process, Redis) runs this same suite.
 */
import assert from 'node:assert/strict';
import type { LockHandle, Locks } from '../../core/ports/kv.js';
import { assertBotError, flush, fulfilled, settle } from './support.js';

/** How a contract run reaches one implementation. */
export interface LocksContractSubject {
  readonly name: string;
  /** A lock store over this suite's backend. */
  create(): Locks | Promise<Locks>;
  /**
   * Two or more stores sharing one backend through separate connections (simulated replicas).
   * When absent, the mutual-exclusion test runs its acquirers on one store.
   */
  replicas?(): Promise<Locks[]>;
  /** Lets `ms` of time pass for lock TTLs and wait budgets (a manual clock, or real sleeping). */
  advance(ms: number): Promise<void>;
  setup?(ctx: Mocha.Context): Promise<void>;
  teardown?(): Promise<void>;
}

const LONG = 60_000;

/** Registers the locks contract suite for `subject`. */
export function runLocksContract(subject: LocksContractSubject): void {
  describe(`Locks contract: ${subject.name}`, function () {
    const open: Locks[] = [];
    let seq = 0;
    const newKey = (): string => `turn:slack:T1:C${++seq}`;
    const store = async (): Promise<Locks> => {
      const created = await subject.create();
      open.push(created);
      return created;
    };
    const hold = (locks: Locks, key: string, ttlMs = LONG): Promise<LockHandle> =>
      locks.acquire(key, { ttlMs, waitMs: 0 });

    before(async function () {
      await subject.setup?.(this);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    after(async () => {
      await subject.teardown?.();
    });

    it('acquires a free lock at once, and again after release', async () => {
      const locks = await store();
      const key = newKey();
      const first = await hold(locks, key);
      await first.release();
      const second = await hold(locks, key);
      await second.release();
    });

    it('does not block other keys', async () => {
      const locks = await store();
      const a = await hold(locks, newKey());
      const b = await hold(locks, newKey());
      await a.release();
      await b.release();
    });

    it('gives mutual exclusion to 20 concurrent acquirers, and every one gets the lock', async () => {
      const instances = subject.replicas ? await subject.replicas() : [await store()];
      open.push(...instances);
      const key = newKey();
      let inside = 0;
      let maxInside = 0;
      let counter = 0;
      const served: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const locks = instances[i % instances.length]!;
          const lock = await locks.acquire(key, { ttlMs: LONG, waitMs: LONG });
          try {
            inside++;
            maxInside = Math.max(maxInside, inside);
            const read = counter;
            await new Promise((resolve) => setTimeout(resolve, 1));
            counter = read + 1;
            served.push(i);
          } finally {
            inside--;
            await lock.release();
          }
        }),
      );
      assert.equal(maxInside, 1, 'two holders overlapped');
      assert.equal(counter, 20, 'an increment was lost');
      assert.deepEqual(
        [...served].sort((x, y) => x - y),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    it('serves waiters of one process in arrival order (FIFO)', async () => {
      const locks = await store();
      const key = newKey();
      const holder = await hold(locks, key);
      const order: number[] = [];
      const waiters = Array.from({ length: 10 }, (_, i) =>
        locks.acquire(key, { ttlMs: LONG, waitMs: LONG }).then(async (lock) => {
          order.push(i);
          await new Promise((resolve) => setTimeout(resolve, 1));
          await lock.release();
        }),
      );
      await flush();
      await holder.release();
      await Promise.all(waiters);
      assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('times out with lock.timeout after waitMs, leaving no ghost waiter behind', async () => {
      const locks = await store();
      const key = newKey();
      const holder = await hold(locks, key);
      const waiter = settle(locks.acquire(key, { ttlMs: LONG, waitMs: 50 }));
      await subject.advance(80);
      assertBotError(await waiter, 'lock.timeout');
      await holder.release();
      const next = await hold(locks, key);
      await next.release();
    });

    it('fails at once with lock.timeout when waitMs is 0 and the lock is held', async () => {
      const locks = await store();
      const key = newKey();
      const holder = await hold(locks, key);
      assertBotError(await settle(hold(locks, key)), 'lock.timeout');
      await holder.release();
    });

    it('rejects with the abort reason when the signal aborts, and leaves the queue', async () => {
      const locks = await store();
      const key = newKey();
      const holder = await hold(locks, key);
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      const waiter = settle(locks.acquire(key, { ttlMs: LONG, waitMs: LONG, signal: controller.signal }));
      await flush();
      controller.abort(reason);
      const result = await waiter;
      assert.equal(result.ok, false);
      assert.equal(result.ok ? undefined : result.error, reason);
      await holder.release();
      const next = await hold(locks, key);
      await next.release();
    });

    it('rejects at once for an already aborted signal, without taking the lock', async () => {
      const locks = await store();
      const key = newKey();
      const reason = new Error('already aborted');
      const result = await settle(locks.acquire(key, { ttlMs: LONG, waitMs: LONG, signal: AbortSignal.abort(reason) }));
      assert.equal(result.ok ? undefined : result.error, reason);
      const next = await hold(locks, key);
      await next.release();
    });

    it('keeps FIFO order for the others when a waiter in the middle aborts', async () => {
      const locks = await store();
      const key = newKey();
      const holder = await hold(locks, key);
      const order: string[] = [];
      const controller = new AbortController();
      const take = (name: string, signal?: AbortSignal): Promise<void> =>
        locks.acquire(key, { ttlMs: LONG, waitMs: LONG, ...(signal ? { signal } : {}) }).then(async (lock) => {
          order.push(name);
          await lock.release();
        });
      const first = take('first');
      const aborted = settle(take('aborted', controller.signal));
      const last = take('last');
      await flush();
      controller.abort(new Error('stop'));
      assert.equal((await aborted).ok, false);
      await holder.release();
      await Promise.all([first, last]);
      assert.deepEqual(order, ['first', 'last']);
    });

    it('makes release idempotent, and a stale release never frees the next holder', async () => {
      const locks = await store();
      const key = newKey();
      const a = await hold(locks, key);
      await a.release();
      await a.release();
      const b = await hold(locks, key);
      await a.release();
      assertBotError(await settle(hold(locks, key)), 'lock.timeout');
      await b.release();
      const c = await hold(locks, key);
      await c.release();
    });

    it('lets the lock go after ttlMs; the expired holder cannot release its successor', async () => {
      // With replicas, the successor lives on another replica, so only the backend (not a local queue) guards it.
      const instances = subject.replicas ? await subject.replicas() : [await store()];
      open.push(...instances);
      const mine = instances[0]!;
      const other = instances[1] ?? mine;
      const key = newKey();
      const crashed = await hold(mine, key, 50);
      await subject.advance(120);
      const successor = fulfilled(await settle(other.acquire(key, { ttlMs: LONG, waitMs: 5_000 })));
      await crashed.release();
      assertBotError(await settle(hold(mine, key)), 'lock.timeout');
      await successor.release();
      const next = await hold(mine, key);
      await next.release();
    });

    it('hands the lock to a waiter when the holder never releases (TTL bounds a crashed holder)', async () => {
      const locks = await store();
      const key = newKey();
      await hold(locks, key, 50);
      const waiter = settle(locks.acquire(key, { ttlMs: LONG, waitMs: 5_000 }));
      await subject.advance(120);
      const lock = fulfilled(await waiter);
      await lock.release();
    });

    it('rejects invalid ttlMs / waitMs with config.invalid', async () => {
      const locks = await store();
      for (const bad of [
        { ttlMs: 0, waitMs: 10 },
        { ttlMs: Number.NaN, waitMs: 10 },
        { ttlMs: 1_000, waitMs: -1 },
      ]) {
        assertBotError(await settle(locks.acquire(newKey(), bad)), 'config.invalid');
      }
    });

    it('close() rejects pending waiters and resolves', async () => {
      const locks = await subject.create();
      const key = newKey();
      const holder = await hold(locks, key);
      const waiter = settle(locks.acquire(key, { ttlMs: LONG, waitMs: LONG }));
      await flush();
      await locks.close();
      assertBotError(await waiter, 'kv.unavailable');
      await holder.release();
      await locks.close();
    });
  });
}
