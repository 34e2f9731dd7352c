import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { isBotError } from '../../../core/errors.js';
import { createRedisKeyValue, hashTagOf } from '../../../memory/index.js';
import { fastForward, useRedis } from '../../helpers/redis.js';
import { runKeyValueContract } from '../../contract/kv.contract.js';

describe('Redis key-value (real Redis)', () => {
  const redis = useRedis('kv');

  // TTLs are checked by shortening the real keys' PTTL (fastForward), so no test sleeps for them.
  runKeyValueContract({
    name: 'redis',
    create: (namespace) =>
      createRedisKeyValue({ redis: redis.client, keyPrefix: redis.prefix, tenant: namespace ?? 'contract' }),
    advance: (ms) => fastForward(redis.client, redis.prefix, ms),
  });

  describe('createRedisKeyValue', () => {
    it('writes `<prefix>:<tenant>:kv:{<key>}` with SET PX', async () => {
      const kv = createRedisKeyValue({ redis: redis.client, keyPrefix: redis.prefix, tenant: 'acme' });
      await kv.setIfAbsent('dedupe:m1', '1', 60_000);
      const key = `${redis.prefix}:acme:kv:{dedupe:m1}`;
      assert.equal(await redis.client.get(key), '1');
      assert.equal(hashTagOf(key), 'dedupe:m1');
      const ttl = await redis.client.pttl(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
    });

    it('rounds a fractional TTL up to whole milliseconds', async () => {
      const kv = createRedisKeyValue({ redis: redis.client, keyPrefix: redis.prefix, tenant: 'frac' });
      await kv.set('k', 'v', 0.2);
      assert.ok((await redis.client.pttl(`${redis.prefix}:frac:kv:{k}`)) <= 1);
    });

    it('has exactly one setIfAbsent winner among 50 callers on two replicas (two connections)', async () => {
      const other = await redis.extraClient();
      const options = { keyPrefix: redis.prefix, tenant: 'replicas' };
      const stores = [
        createRedisKeyValue({ ...options, redis: redis.client }),
        createRedisKeyValue({ ...options, redis: other }),
      ];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 2]!.setIfAbsent('once', `caller-${i}`, 60_000)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(await stores[1]!.get('once'), `caller-${winners[0]}`);
    });

    it('does not close a client it does not own; closes one it owns', async () => {
      const borrowed = await redis.extraClient();
      await createRedisKeyValue({ redis: borrowed, keyPrefix: redis.prefix }).close();
      assert.equal(await borrowed.ping(), 'PONG');
      const owned = await redis.extraClient();
      await createRedisKeyValue({ redis: owned, keyPrefix: redis.prefix, ownsClient: true }).close();
      if (owned.status !== 'end') await once(owned, 'end');
      assert.equal(owned.status, 'end');
    });

    it('reports an unreachable Redis as kv.unavailable', async () => {
      const down = new Redis({
        port: 1,
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      down.on('error', () => undefined);
      const kv = createRedisKeyValue({ redis: down });
      try {
        for (const attempt of [kv.get('k'), kv.set('k', 'v', 10), kv.setIfAbsent('k', 'v', 10), kv.delete('k')]) {
          await assert.rejects(attempt, (e: unknown) => isBotError(e) && e.code === 'kv.unavailable');
        }
      } finally {
        down.disconnect();
      }
    });
  });
});
