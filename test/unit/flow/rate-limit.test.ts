import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import {
  createInProcessRateLimiter,
  createRateLimiter,
  createRedisRateLimiter,
  unlimited,
} from '../../../gateway/flow/rate-limit.js';
import { useRedis } from '../../helpers/redis.js';

describe('rate limiters', () => {
  describe('in process', () => {
    it('allows 20 a minute per key by default settings, refuses the 21st, and keys are independent', async () => {
      const clock = new ManualClock();
      const limiter = createInProcessRateLimiter({ points: 20, windowMs: 60_000, prefix: 't' }, { clock });
      for (let i = 0; i < 20; i++) assert.equal((await limiter.consume('a')).allowed, true, `message ${i + 1}`);
      const refused = await limiter.consume('a');
      assert.equal(refused.allowed, false);
      assert.equal(refused.retryAfterMs, 60_000);
      assert.equal((await limiter.consume('b')).allowed, true, 'another user is served');
      clock.advance(60_000);
      assert.equal((await limiter.consume('a')).allowed, true, 'allowed again once the window passed');
    });

    it('stays bounded: beyond maxKeys the oldest windows are forgotten', async () => {
      const clock = new ManualClock();
      const limiter = createInProcessRateLimiter({ points: 1, windowMs: 60_000, prefix: 't', maxKeys: 3 }, { clock });
      for (const key of ['a', 'b', 'c', 'd']) await limiter.consume(key);
      assert.equal((await limiter.consume('d')).allowed, false, 'd is still counted');
      assert.equal((await limiter.consume('a')).allowed, true, 'a was forgotten to make room');
    });
  });

  it('a limit of 0 is off', async () => {
    const limiter = createRateLimiter({ points: 0, windowMs: 1000, prefix: 'x' }, { clock: new ManualClock() });
    assert.equal(limiter, unlimited);
    for (let i = 0; i < 100; i++) assert.equal((await limiter.consume('k')).allowed, true);
  });

  describe('Redis (shared by replicas)', () => {
    const redis = useRedis('rate-limit');

    it('two limiters on one Redis share the count of a key', async () => {
      const prefix = `${redis.prefix}:rl`;
      const a = createRedisRateLimiter({ points: 3, windowMs: 60_000, prefix }, { redis: redis.client });
      const b = createRedisRateLimiter({ points: 3, windowMs: 60_000, prefix }, { redis: await redis.extraClient() });
      const allowed = [];
      for (const limiter of [a, b, a, b]) allowed.push((await limiter.consume('user-1')).allowed);
      assert.deepEqual(allowed, [true, true, true, false]);
      const refused = await a.consume('user-1');
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000, String(refused.retryAfterMs));
      assert.equal((await b.consume('user-2')).allowed, true);
      const ttl = await redis.client.pttl(`${prefix}:user-1`);
      assert.ok(ttl > 0 && ttl <= 60_000, `the window key expires (pttl ${ttl})`);
    });
  });
});
