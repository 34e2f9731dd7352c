import assert from 'node:assert/strict';
import { silentLogger } from '../../../core/logger.js';
import type { HandoffEvent } from '../../../core/ports/handoff.js';
import { createInProcessHandoffEvents } from '../../../handoff/events/in-process-events.js';
import { createRedisHandoffEvents } from '../../../handoff/events/redis-events.js';
import { useRedis } from '../../helpers/redis.js';

const presence = (agentId: string): HandoffEvent => ({ type: 'presence', presence: { agentId, online: true, at: 1 } });

describe('handoff events', () => {
  it('in-process: delivers to every subscriber synchronously, survives a throwing one, unsubscribes', async () => {
    const bus = createInProcessHandoffEvents({ log: silentLogger });
    const got: [string, boolean][] = [];
    bus.subscribe(() => {
      throw new Error('bad listener');
    });
    const off = bus.subscribe((e, local) => got.push([e.type, local]));
    await bus.publish(presence('a'));
    off();
    await bus.publish(presence('b'));
    assert.deepEqual(got, [['presence', true]]);
    await bus.close();
  });

  describe('Redis (real Redis)', () => {
    const redis = useRedis('handoff-events');
    it('delivers once locally and once on the other replica, never echoing back', async () => {
      const a = createRedisHandoffEvents({ redis: redis.client, namespace: redis.prefix }, { log: silentLogger });
      const b = createRedisHandoffEvents(
        { redis: await redis.extraClient(), namespace: redis.prefix },
        { log: silentLogger },
      );
      try {
        await Promise.all([a.ready(), b.ready()]);
        const record = (bus: typeof a, into: string[], until: string) =>
          new Promise<void>((resolve) =>
            bus.subscribe((e, local) => {
              const name = e.type === 'presence' ? e.presence.agentId : e.type;
              into.push(`${name}:${local}`);
              if (`${name}:${local}` === until) resolve();
            }),
          );
        const onA: string[] = [];
        const onB: string[] = [];
        // Each side stops at the other's last message: pub/sub keeps order, so any echo would have come first.
        const aDone = record(a, onA, 'end-b:false');
        const bDone = record(b, onB, 'end-a:false');
        await a.publish(presence('x'));
        await b.publish(presence('y'));
        await a.publish(presence('z'));
        await a.publish(presence('end-a'));
        await b.publish(presence('end-b'));
        await Promise.all([aDone, bDone]);
        // Local events arrive at once, remote ones later: compare as sets; remote ones keep their order.
        assert.deepEqual([...onA].sort(), ['end-a:true', 'end-b:false', 'x:true', 'y:false', 'z:true']);
        assert.deepEqual(onB.filter((e) => !e.startsWith('end-b')).sort(), [
          'end-a:false',
          'x:false',
          'y:true',
          'z:false',
        ]);
        assert.deepEqual(
          onB.filter((e) => e.endsWith(':false')),
          ['x:false', 'z:false', 'end-a:false'],
        );
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
