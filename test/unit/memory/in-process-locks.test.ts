import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { createInProcessLocks } from '../../../memory/index.js';
import { flush, settle } from '../../contract/support.js';
import { runLocksContract } from '../../contract/locks.contract.js';

const clock = new ManualClock();

runLocksContract({
  name: 'in-process (manual clock)',
  create: () => createInProcessLocks({ clock }),
  advance: async (ms) => {
    clock.advance(ms);
    await flush();
  },
});

describe('createInProcessLocks', () => {
  it('waits without a deadline passing until the clock moves (time comes only from the injected clock)', async () => {
    const clock = new ManualClock();
    const locks = createInProcessLocks({ clock });
    const holder = await locks.acquire('k', { ttlMs: 1_000, waitMs: 0 });
    const waiter = settle(locks.acquire('k', { ttlMs: 1_000, waitMs: 500 }));
    let done = false;
    void waiter.then(() => (done = true));
    await flush();
    assert.equal(done, false);
    clock.advance(499);
    await flush();
    assert.equal(done, false);
    clock.advance(1);
    await flush();
    assert.equal(done, true);
    assert.equal((await waiter).ok, false);
    await holder.release();
    await locks.close();
  });
});
