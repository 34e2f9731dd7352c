import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ManualClock } from '../../../core/clock.js';
import { isBotError } from '../../../core/errors.js';
import { openTicket } from '../../../handoff/state-machine.js';
import { createRedisHandoffQueue } from '../../../handoff/store/redis-queue.js';
import { fastForward, useRedis } from '../../helpers/redis.js';
import { declaredKeysOnly } from '../../helpers/strict-scripts.js';
import { runHandoffQueueContract } from '../../contract/handoff-queue.contract.js';

describe('Redis handoff queue (real Redis)', () => {
  const redis = useRedis('handoff-queue');
  runHandoffQueueContract({
    name: 'redis (replica = second connection)',
    create: (clock, space) =>
      createRedisHandoffQueue({ redis: redis.client, namespace: `${redis.prefix}:${space}` }, { clock }),
    replica: async (clock, space) =>
      createRedisHandoffQueue({ redis: await redis.extraClient(), namespace: `${redis.prefix}:${space}` }, { clock }),
    expire: (ms) => fastForward(redis.client, redis.prefix, ms),
  });

  describe('creating a ticket while the conversation changes (compare-and-set on the active ticket)', () => {
    const clock = new ManualClock(1_000_000);
    const ticket = (id: string, conversation: string) =>
      openTicket(
        {
          id,
          conversation: { channel: 'rest', tenant: 'default', conversation },
          reason: 'user_request',
          lang: 'en',
          history: [],
        },
        { now: clock.now(), timeoutMs: 60_000 },
      ).ticket;
    /** `client` whose HGET answers `stale` for the first `times` calls (another replica changed it meanwhile). */
    const staleReads = (client: Redis, times: number) => {
      let calls = 0;
      const proxy = new Proxy(client, {
        get(target, property) {
          if (property === 'hget') {
            return (key: string, field: string) =>
              ++calls <= times ? Promise.resolve('stale') : target.hget(key, field);
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return { proxy: declaredKeysOnly(proxy), calls: () => calls };
    };

    it('reads the active ticket again and creates once the read holds', async () => {
      const client = staleReads(redis.client, 2);
      const queue = createRedisHandoffQueue({ redis: client.proxy, namespace: `${redis.prefix}:cas` }, { clock });
      const t = ticket('t-cas-1', 'c-cas-1');
      assert.deepEqual(await queue.create(t), { created: true, ticket: t });
      assert.equal(client.calls(), 3, 'two stale reads retried, the third held');
      assert.equal((await queue.active(t.conversationKey))?.id, 't-cas-1');
      const again = await queue.create(ticket('t-cas-2', 'c-cas-1'));
      assert.equal(again.created, false);
      assert.equal(again.ticket.id, 't-cas-1');
    });

    it('gives up with kv.unavailable when the active ticket never holds still', async () => {
      const client = staleReads(redis.client, Number.POSITIVE_INFINITY);
      const queue = createRedisHandoffQueue({ redis: client.proxy, namespace: `${redis.prefix}:cas` }, { clock });
      await assert.rejects(
        queue.create(ticket('t-cas-3', 'c-cas-3')),
        (e) => isBotError(e) && e.code === 'kv.unavailable',
      );
      assert.equal(await redis.client.exists(`${redis.prefix}:cas:handoff:{handoff}:t:t-cas-3`), 0);
    });
  });
});
