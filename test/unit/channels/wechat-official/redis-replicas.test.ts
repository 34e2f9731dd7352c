/**
 * Two replicas sharing a real Redis (127.0.0.1:6379; skipped with a notice when unreachable): a MsgId
 * delivered to both runs one turn, and a retry on the other replica answers with the stored reply.
 * The KeyValue/Locks here are minimal ioredis adapters (SET NX PX), not the memory module's.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ManualClock } from '../../../../core/clock.js';
import type { KeyValue, LockHandle, Locks } from '../../../../core/ports/kv.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { contentOf, createHarness, T0, text } from './harness.js';
import { deferred, MemoryKv } from './fakes.js';
import { decodeAnswer } from './requests.js';

class RedisKv extends MemoryKv implements KeyValue {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    clock: ManualClock,
  ) {
    super(clock);
  }
  override async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }
  override async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }
  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
  }
  override async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

class RedisLocks implements Locks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  async acquire(key: string, o: { ttlMs: number; waitMs: number }): Promise<LockHandle> {
    const token = randomBytes(8).toString('hex');
    const until = Date.now() + o.waitMs;
    while ((await this.redis.set(this.prefix + key, token, 'PX', o.ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > until) throw new Error(`lock ${key} timeout`);
      await new Promise((r) => setTimeout(r, 2));
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.redis.eval(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
          1,
          this.prefix + key,
          token,
        );
      },
    };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const realDelay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function track(p: Promise<WebhookResponse>) {
  const box: { done: boolean; res?: WebhookResponse } = { done: false };
  void p.then((r) => {
    box.done = true;
    box.res = r;
  });
  return box;
}

describe('wechat-official replicas on real Redis', function () {
  let redis: Redis;
  let prefix: string;

  before(async function () {
    redis = new Redis('redis://127.0.0.1:6379', {
      lazyConnect: true,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } catch {
      console.warn('Redis not reachable at 127.0.0.1:6379; skipping the WeChat replica tests');
      this.skip();
    }
  });
  beforeEach(() => {
    prefix = `test:wechat:${randomBytes(6).toString('hex')}:`;
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  after(() => redis?.disconnect());

  const replicas = async () => {
    const clock = new ManualClock(T0 * 1000);
    const kv = new RedisKv(redis, prefix, clock);
    const locks = new RedisLocks(redis, prefix);
    const a = await createHarness({ clock, kv, locks });
    const b = await createHarness({ clock, kv, locks, engine: a.engine });
    return { a, b };
  };

  it('the same MsgId delivered to two replicas at once runs one turn and gets one reply', async () => {
    const { a, b } = await replicas();
    const xml = text(a, '两个副本');
    const [ra, rb] = [track(a.push(xml)), track(b.push(xml))];
    for (let i = 0; i < 200 && !(ra.done && rb.done); i++) {
      await realDelay(5);
      await a.tick(250);
    }
    const answers = [ra.res!, rb.res!].map((r) => contentOf(decodeAnswer(r))).filter((c) => c !== undefined);
    assert.deepEqual(answers, ['答：两个副本']);
    assert.equal(a.engine.calls.length, 1);
  });

  it('a retry on the other replica, 5 s later, answers with the reply stored in Redis', async () => {
    const { a, b } = await replicas();
    const gate = deferred();
    a.engine.gate = gate.promise;
    const xml = text(a, '慢');
    const d1 = track(a.push(xml));
    await realDelay(20);
    await a.tick(5_000);
    const d2 = track(b.push(xml));
    await realDelay(20);
    await a.tick(1_000);
    gate.resolve();
    for (let i = 0; i < 200 && !d2.done; i++) {
      await realDelay(5);
      await a.tick(100);
    }
    assert.equal(contentOf(decodeAnswer(d2.res!)), '答：慢');
    assert.equal(a.engine.calls.length, 1);
    assert.deepEqual(
      b.host.outcomes.map((o) => o.status),
      ['duplicate'],
    );
    for (let i = 0; i < 50 && !d1.done; i++) await a.tick(100);
    assert.ok(d1.done && decodeAnswer(d1.res!).success);
  });
});
