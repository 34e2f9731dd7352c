/**
 * Two replicas sharing a real Redis (127.0.0.1:6379; skipped with a notice when unreachable): a MsgId
 * delivered to both runs one turn, and a retry on the other replica answers with the stored reply.
 * The KeyValue/Locks are memory/'s Redis stores, as in production.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ManualClock } from '../../../../core/clock.js';
import type { Locks } from '../../../../core/ports/kv.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { createRedisKeyValue, createRedisLocks } from '../../../../memory/index.js';
import { contentOf, createHarness, T0, text } from './harness.js';
import { deferred } from './fakes.js';
import { decodeAnswer } from './requests.js';

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
  let locks: Locks | undefined;

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
    prefix = `test-wechat-${randomBytes(6).toString('hex')}`;
  });
  afterEach(async () => {
    await locks?.close(); // quits the lock-release subscriber
    locks = undefined;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  });
  after(() => redis?.disconnect());

  const replicas = async () => {
    const clock = new ManualClock(T0 * 1000);
    // Wait budgets in real time: the ManualClock only drives the channel's 5-second rule.
    const kv = createRedisKeyValue({ redis, keyPrefix: prefix });
    locks = createRedisLocks({ redis, keyPrefix: prefix });
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
