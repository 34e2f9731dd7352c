import { createRedisHandoffQueue } from '../../../handoff/store/redis-queue.js';
import { fastForward, useRedis } from '../../helpers/redis.js';
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
});
