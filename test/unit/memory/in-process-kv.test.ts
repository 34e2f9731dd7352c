import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import { createInProcessKeyValue } from '../../../memory/index.js';
import { runKeyValueContract } from '../../contract/kv.contract.js';

const clock = new ManualClock();

runKeyValueContract({
  name: 'in-process',
  create: () => createInProcessKeyValue({ clock }),
  advance: (ms) => {
    clock.advance(ms);
    return Promise.resolve();
  },
});

describe('createInProcessKeyValue', () => {
  it('holds at most maxEntries, dropping the oldest write', async () => {
    const kv = createInProcessKeyValue({ clock: new ManualClock(), maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await kv.set(key, key, 10_000);
    await kv.set('a', 'a2', 10_000);
    await kv.set('d', 'd', 10_000);
    assert.equal(await kv.get('b'), undefined);
    assert.deepEqual(await Promise.all(['a', 'c', 'd'].map((k) => kv.get(k))), ['a2', 'c', 'd']);
  });

  it('sweeps expired entries before evicting live ones', async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock, maxEntries: 3 });
    await kv.set('live-1', '1', 10_000);
    await kv.set('short', 's', 100);
    await kv.set('live-2', '2', 10_000);
    clock.advance(200);
    await kv.set('live-3', '3', 10_000);
    assert.deepEqual(await Promise.all(['live-1', 'live-2', 'live-3'].map((k) => kv.get(k))), ['1', '2', '3']);
  });

  it('rejects a maxEntries below 1 with config.invalid', () => {
    assert.throws(
      () => createInProcessKeyValue({ clock, maxEntries: 0 }),
      (e: unknown) => isBotError(e) && e.code === 'config.invalid',
    );
  });
});
