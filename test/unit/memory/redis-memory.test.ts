import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { isBotError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { MemoryTurn } from '../../../core/ports/memory.js';
import { createRedisMemory, decodeTurn, hashTagOf, memoryKey } from '../../../memory/index.js';
import { fastForward, useRedis } from '../../helpers/redis.js';
import { runMemoryContract } from '../../contract/memory.contract.js';

const turn = (n: number, extra: Partial<MemoryTurn> = {}): MemoryTurn => ({
  id: `m${n}`,
  user: `message ${n}`,
  replies: [],
  at: n,
  ...extra,
});

describe('Redis memory (real Redis)', () => {
  const redis = useRedis('mem');

  // TTLs are checked by shortening the real keys' PTTL (fastForward), so no test sleeps for them.
  runMemoryContract({
    name: 'redis',
    create: (options, namespace) =>
      createRedisMemory(
        { ...options, keyPrefix: redis.prefix, tenant: namespace ?? 'contract' },
        { redis: redis.client },
      ),
    advance: (ms) => fastForward(redis.client, redis.prefix, ms),
  });

  describe('createRedisMemory', () => {
    it('stores one list per conversation under a hash-tagged, tenant-scoped key with the idle TTL', async () => {
      const memory = createRedisMemory(
        { ttlMs: 60_000, keyPrefix: redis.prefix, tenant: 'acme' },
        { redis: redis.client },
      );
      const conversation = 'wechat:acme:user-1';
      for (let i = 1; i <= 7; i++) await memory.appendTurn(conversation, turn(i));
      const key = `${redis.prefix}:acme:mem:{${conversation}}`;
      assert.equal(memoryKey(`${redis.prefix}:acme`, conversation), key);
      assert.equal(hashTagOf(key), conversation);
      assert.equal(await redis.client.type(key), 'list');
      assert.equal(await redis.client.llen(key), 5, 'the list itself is trimmed, not only the read');
      const ttl = await redis.client.pttl(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `PTTL ${ttl}`);
      const stored = await redis.client.lrange(key, 0, -1);
      assert.deepEqual(
        stored.map((e) => decodeTurn(e)?.id),
        ['m3', 'm4', 'm5', 'm6', 'm7'],
      );
    });

    it('really expires the key in Redis after ttlMs', async () => {
      const memory = createRedisMemory(
        { ttlMs: 30, keyPrefix: redis.prefix, tenant: 'expiry' },
        { redis: redis.client },
      );
      await memory.appendTurn('c', turn(1));
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.deepEqual(await memory.recent('c'), []);
      assert.equal(await redis.client.exists(`${redis.prefix}:expiry:mem:{c}`), 0);
    });

    it('finds turns whose ids contain quotes, backslashes, newlines and non-ASCII (Lua side)', async () => {
      const memory = createRedisMemory({ keyPrefix: redis.prefix, tenant: 'ids' }, { redis: redis.client });
      const id = 'msg "1"\\\n\u00e9\u4f60\ud83d\ude80';
      await memory.appendTurn('c', turn(1, { id }));
      await memory.appendTurn('c', turn(2));
      await memory.addReply('c', id, { author: 'bot', text: 'found', at: 5 });
      const [first, second] = await memory.recent('c');
      assert.deepEqual(first!.replies, [{ author: 'bot', text: 'found', at: 5 }]);
      assert.deepEqual(second!.replies, []);
    });

    it('attaches replies by id for arbitrary ids, lone surrogates included (property, Lua side)', async () => {
      const memory = createRedisMemory({ keyPrefix: redis.prefix, tenant: 'prop' }, { redis: redis.client });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), async (a, b) => {
          fc.pre(a !== b);
          const key = `c${++run}`;
          await memory.appendTurn(key, turn(1, { id: a }));
          await memory.appendTurn(key, turn(2, { id: b }));
          await memory.addReply(key, b, { author: 'bot', text: 'to b', at: 1 });
          const [first, second] = await memory.recent(key);
          assert.deepEqual(first!.replies, []);
          assert.deepEqual(second!.replies, [{ author: 'bot', text: 'to b', at: 1 }]);
        }),
        { numRuns: 40 },
      );
    });

    it('skips (and logs) entries it cannot decode instead of failing the conversation', async () => {
      const warnings: unknown[] = [];
      const logger = captureWarnings(warnings);
      const memory = createRedisMemory({ keyPrefix: redis.prefix, tenant: 'corrupt' }, { redis: redis.client, logger });
      await memory.appendTurn('c', turn(1));
      await redis.client.rpush(`${redis.prefix}:corrupt:mem:{c}`, 'not json', '{"id":"x"}');
      await memory.appendTurn('c', turn(2));
      assert.deepEqual(
        (await memory.recent('c')).map((t) => t.id),
        ['m1', 'm2'],
      );
      assert.equal(warnings.length, 2);
      await memory.addReply('c', 'm2', { author: 'bot', text: 'ok', at: 1 });
      assert.equal((await memory.recent('c'))[1]!.replies.length, 1);
    });

    it('keeps exactly 5 valid turns when two replicas (two connections) append 20 turns concurrently', async () => {
      const other = await redis.extraClient();
      const options = { keyPrefix: redis.prefix, tenant: 'replicas' };
      const stores = [
        createRedisMemory(options, { redis: redis.client }),
        createRedisMemory(options, { redis: other }),
      ];
      const turns = Array.from({ length: 20 }, (_, i) =>
        turn(i, { replies: [{ author: 'bot', text: `r${i}`, at: i }] }),
      );
      await Promise.all(turns.map((t, i) => stores[i % 2]!.appendTurn('c', t)));
      const kept = await stores[0]!.recent('c');
      assert.equal(kept.length, 5);
      assert.equal(new Set(kept.map((t) => t.id)).size, 5);
      for (const t of kept)
        assert.deepEqual(
          t,
          turns.find((x) => x.id === t.id),
        );
      assert.equal(await redis.client.llen(`${redis.prefix}:replicas:mem:{c}`), 5);
    });

    it('does not close a client it does not own; closes one it owns', async () => {
      const borrowed = await redis.extraClient();
      await createRedisMemory({ keyPrefix: redis.prefix }, { redis: borrowed }).close();
      assert.equal(await borrowed.ping(), 'PONG');
      const owned = await redis.extraClient();
      await createRedisMemory({ keyPrefix: redis.prefix, ownsClient: true }, { redis: owned }).close();
      if (owned.status !== 'end') await once(owned, 'end');
      assert.equal(owned.status, 'end');
    });

    it('refuses a keyPrefix or tenant containing hash-tag braces', () => {
      for (const bad of [{ keyPrefix: 'a{b' }, { tenant: 'x}' }, { tenant: '' }]) {
        assert.throws(
          () => createRedisMemory(bad, { redis: redis.client }),
          (e: unknown) => isBotError(e) && e.code === 'config.invalid',
        );
      }
    });

    it('reports an unreachable Redis as memory.unavailable', async () => {
      const down = new Redis({
        port: 1,
        lazyConnect: true,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      down.on('error', () => undefined);
      const memory = createRedisMemory({}, { redis: down });
      try {
        for (const attempt of [memory.recent('c'), memory.appendTurn('c', turn(1)), memory.clear('c')]) {
          await assert.rejects(attempt, (e: unknown) => isBotError(e) && e.code === 'memory.unavailable');
        }
      } finally {
        down.disconnect();
      }
    });
  });
});

function captureWarnings(into: unknown[]): Logger {
  const noop = (): void => undefined;
  const logger: Logger = {
    debug: noop,
    info: noop,
    warn: (obj: object | string) => void into.push(obj),
    error: noop,
    child: () => logger,
  };
  return logger;
}
