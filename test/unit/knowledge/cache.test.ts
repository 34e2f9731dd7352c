import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { createKvQaCache, createLruQaCache } from '../../../knowledge/cache/index.js';
import { createInProcessKeyValue } from '../../../memory/index.js';

describe('QA caches', () => {
  it('LRU keeps entries until their TTL and evicts the least recently used', async () => {
    const clock = new ManualClock();
    const cache = createLruQaCache({ maxEntries: 2, ttlMs: 1000 }, { clock });
    await cache.set('a', '1');
    await cache.set('b', '2');
    assert.equal(await cache.get('a'), '1');
    await cache.set('c', '3');
    assert.equal(await cache.get('b'), undefined, 'b was least recently used');
    assert.equal(await cache.get('a'), '1');
    clock.advance(1000);
    assert.equal(await cache.get('a'), undefined, 'expired');
    cache.clear();
    assert.equal(cache.stats().size, 0);
  });

  it('counts hits and misses per answered question', () => {
    const cache = createLruQaCache({}, { clock: new ManualClock() });
    assert.equal(cache.stats().hitRatio, 0);
    cache.recordLookup(true);
    cache.recordLookup(true);
    cache.recordLookup(false);
    assert.deepEqual({ hits: cache.stats().hits, misses: cache.stats().misses }, { hits: 2, misses: 1 });
    assert.ok(Math.abs(cache.stats().hitRatio - 2 / 3) < 1e-12);
  });

  it('stores entries in a KeyValue store with the TTL and a prefix', async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const cache = createKvQaCache({ kv, prefix: 'p:', ttlMs: 500 });
    await cache.set('k', 'v');
    assert.equal(await kv.get('p:k'), 'v');
    assert.equal(await cache.get('k'), 'v');
    clock.advance(500);
    assert.equal(await cache.get('k'), undefined);
    assert.equal(cache.kind, 'kv');
  });

  it('never fails a turn when the store fails', async () => {
    const broken = {
      get: () => Promise.reject(new Error('down')),
      set: () => Promise.reject(new Error('down')),
      setIfAbsent: () => Promise.reject(new Error('down')),
      delete: () => Promise.reject(new Error('down')),
      close: () => Promise.resolve(),
    };
    const cache = createKvQaCache({ kv: broken });
    await cache.set('k', 'v');
    assert.equal(await cache.get('k'), undefined);
  });
});
