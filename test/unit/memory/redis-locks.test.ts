import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import type { Locks } from '../../../core/ports/kv.js';
import { createRedisLocks, hashTagOf, lockReleaseChannel } from '../../../memory/index.js';
import { useRedis } from '../../helpers/redis.js';
import { fulfilled, settle } from '../../contract/support.js';
import { runLocksContract } from '../../contract/locks.contract.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis locks (real Redis)', () => {
  const redis = useRedis('locks');

  // Real time: lock TTLs and wait budgets run on the system clock; `advance` sleeps.
  runLocksContract({
    name: 'redis (two replicas = two connections)',
    create: () => createRedisLocks({ redis: redis.client, keyPrefix: redis.prefix }),
    replicas: async () => [
      createRedisLocks({ redis: redis.client, keyPrefix: redis.prefix }),
      createRedisLocks({ redis: await redis.extraClient(), keyPrefix: redis.prefix }),
    ],
    advance: sleep,
  });

  describe('createRedisLocks', () => {
    const open: Locks[] = [];
    const locksFor = (client: Redis, tenant = 'unit'): Locks => {
      const locks = createRedisLocks({ redis: client, keyPrefix: redis.prefix, tenant });
      open.push(locks);
      return locks;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((l) => l.close()));
    });

    it('holds `<prefix>:<tenant>:lock:{<key>}` with a random token and the lock TTL', async () => {
      const lock = await locksFor(redis.client, 'acme').acquire('slack:T1:C1', { ttlMs: 30_000, waitMs: 0 });
      const key = `${redis.prefix}:acme:lock:{slack:T1:C1}`;
      assert.equal(hashTagOf(key), 'slack:T1:C1');
      assert.match((await redis.client.get(key)) ?? '', /^[0-9a-f-]{36}$/);
      const ttl = await redis.client.pttl(key);
      assert.ok(ttl > 0 && ttl <= 30_000, `PTTL ${ttl}`);
      await lock.release();
      assert.equal(await redis.client.exists(key), 0);
    });

    it('announces a release on the release channel with the lock key', async () => {
      const listener = await redis.extraClient();
      const channel = lockReleaseChannel(`${redis.prefix}:pub`);
      await listener.subscribe(channel);
      const message = once(listener, 'message');
      const lock = await locksFor(redis.client, 'pub').acquire('k', { ttlMs: 30_000, waitMs: 0 });
      await lock.release();
      assert.deepEqual(await message, [channel, `${redis.prefix}:pub:lock:{k}`]);
    });

    it('never deletes a lock that now carries another token', async () => {
      const key = `${redis.prefix}:unit:lock:{foreign}`;
      const lock = await locksFor(redis.client).acquire('foreign', { ttlMs: 30_000, waitMs: 0 });
      await redis.client.set(key, 'someone-else', 'PX', 30_000);
      await lock.release();
      assert.equal(await redis.client.get(key), 'someone-else');
    });

    it('waits out a lock left by a crashed replica (its TTL), then takes it', async () => {
      const key = `${redis.prefix}:unit:lock:{crashed}`;
      await redis.client.set(key, 'crashed-replica', 'PX', 100);
      const lock = fulfilled(
        await settle(locksFor(redis.client).acquire('crashed', { ttlMs: 30_000, waitMs: 10_000 })),
      );
      assert.notEqual(await redis.client.get(key), 'crashed-replica');
      await lock.release();
    });

    it('times out with lock.timeout while another replica holds the lock', async () => {
      const other = await redis.extraClient();
      const held = await locksFor(other).acquire('busy', { ttlMs: 30_000, waitMs: 0 });
      const result = await settle(locksFor(redis.client).acquire('busy', { ttlMs: 30_000, waitMs: 60 }));
      assert.equal(result.ok, false);
      assert.ok(!result.ok && isBotError(result.error) && result.error.code === 'lock.timeout');
      await held.release();
    });

    it('hands over between replicas: a waiter on one connection gets the lock released on another', async () => {
      const other = await redis.extraClient();
      const held = await locksFor(other).acquire('handover', { ttlMs: 30_000, waitMs: 0 });
      const waiter = settle(locksFor(redis.client).acquire('handover', { ttlMs: 30_000, waitMs: 10_000 }));
      await sleep(20);
      await held.release();
      await fulfilled(await waiter).release();
    });

    it('wakes a waiting replica through the release channel (its own clock never moves, so it cannot poll)', async () => {
      const frozen = new ManualClock();
      const waiting = createRedisLocks({
        redis: await redis.extraClient(),
        keyPrefix: redis.prefix,
        tenant: 'wake',
        clock: frozen,
      });
      open.push(waiting);
      const held = await locksFor(redis.client, 'wake').acquire('k', { ttlMs: 30_000, waitMs: 0 });
      const waiter = settle(waiting.acquire('k', { ttlMs: 30_000, waitMs: 1_000 }));
      const channel = lockReleaseChannel(`${redis.prefix}:wake`);
      const subscribed = async (): Promise<number> => {
        const reply = (await redis.client.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
        return Number(reply[1]);
      };
      for (let i = 0; i < 200 && (await subscribed()) === 0; i++) await sleep(10);
      assert.equal(await subscribed(), 1);
      await held.release();
      await fulfilled(await waiter).release();
    });

    it('does not close a client it does not own; closes one it owns (and always its subscriber)', async () => {
      const name = `${redis.prefix}-own`;
      const subscribers = async (): Promise<number> => {
        const list = String(await redis.client.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
        return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
      };
      const borrowed = await redis.extraClient({ connectionName: name });
      const locks = createRedisLocks({ redis: borrowed, keyPrefix: redis.prefix, tenant: 'own' });
      const held = await locksFor(redis.client, 'own').acquire('k', { ttlMs: 30_000, waitMs: 0 });
      assert.equal((await settle(locks.acquire('k', { ttlMs: 30_000, waitMs: 20 }))).ok, false);
      for (let i = 0; i < 200 && (await subscribers()) === 0; i++) await sleep(10);
      assert.equal(await subscribers(), 1, 'contention subscribed one duplicate connection');
      await held.release();
      await locks.close();
      for (let i = 0; i < 200 && (await subscribers()) > 0; i++) await sleep(10);
      assert.equal(await subscribers(), 0, 'close() disconnected the subscriber');
      assert.equal(await borrowed.ping(), 'PONG');
      const owned = await redis.extraClient();
      await createRedisLocks({ redis: owned, keyPrefix: redis.prefix, ownsClient: true }).close();
      if (owned.status !== 'end') await once(owned, 'end');
      assert.equal(owned.status, 'end');
    });

    it('refuses retry delays that would spin (0) or are inverted, with config.invalid', () => {
      for (const retryDelayMs of [
        { min: 0, max: 50 },
        { min: 10, max: 5 },
      ]) {
        assert.throws(
          () => createRedisLocks({ redis: redis.client, retryDelayMs }),
          (e: unknown) => isBotError(e) && e.code === 'config.invalid',
        );
      }
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
      const locks = createRedisLocks({ redis: down });
      try {
        const result = await settle(locks.acquire('k', { ttlMs: 1_000, waitMs: 100 }));
        assert.ok(!result.ok && isBotError(result.error) && result.error.code === 'kv.unavailable');
        const again = await settle(locks.acquire('k', { ttlMs: 1_000, waitMs: 100 }));
        assert.ok(!again.ok && isBotError(again.error) && again.error.code === 'kv.unavailable', 'local slot freed');
      } finally {
        await locks.close();
        down.disconnect();
      }
    });
  });
});
