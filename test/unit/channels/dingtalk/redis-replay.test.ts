import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ManualClock } from '../../../../core/clock.js';
import { createDingTalkChannel } from '../../../../channels/dingtalk/index.js';
import { createInProcessLocks, createRedisKeyValue } from '../../../../memory/index.js';
import { captureLogger, createTestHost, FakeDingTalk, fixture, signedRequest } from './helpers.js';

describe('dingtalk replay cache across replicas (real Redis)', function () {
  let redis: Redis | undefined;
  const prefix = `test-dingtalk-${randomUUID()}`;

  before(async function () {
    const client = new Redis({
      host: '127.0.0.1',
      port: 6379,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      await client.ping();
      redis = client;
    } catch {
      client.disconnect();
      console.log('      (skipped: Redis not reachable at 127.0.0.1:6379)');
      this.skip();
    }
  });

  after(async () => {
    if (redis === undefined) return;
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('refuses on replica B a (timestamp, sign) pair first used on replica A; one reply per msgId', async () => {
    const fake = await new FakeDingTalk().start();
    const clock = new ManualClock(1_774_080_995_000);
    const secret = 'redis-secret-0123456789';
    const kv = createRedisKeyValue({ redis: redis!, keyPrefix: prefix }); // memory/'s store, as in production
    const replica = () => {
      const locks = createInProcessLocks({ clock });
      const log = captureLogger();
      const channel = createDingTalkChannel(
        { appKey: 'dingredis', appSecret: secret, apiBaseUrl: fake.base, allowedHosts: [`127.0.0.1:${fake.port}`] },
        { kv, locks, clock, log },
      );
      return { channel, host: createTestHost(channel, { kv, locks, clock, log }) };
    };
    const a = replica();
    const b = replica();
    try {
      await a.channel.start(a.host);
      await b.channel.start(b.host);
      const payload = {
        ...fixture('cb_msg_text.json'),
        sessionWebhook: `${fake.base}/robot/sendBySession?session=r`,
        sessionWebhookExpiredTime: clock.now() + 60_000,
      };
      const req = signedRequest(payload, { appSecret: secret, timestamp: clock.now() });
      assert.equal((await a.channel.webhook!.handle(req)).status, 200);
      const replay = await b.channel.webhook!.handle({
        ...req,
        rawBody: Buffer.from(JSON.stringify({ ...payload, msgId: 'm2' })),
      });
      assert.equal(replay.status, 401);
      clock.advance(1);
      const redelivered = signedRequest(payload, { appSecret: secret, timestamp: clock.now() });
      const res = await b.channel.webhook!.handle(redelivered);
      assert.equal(res.headers?.['x-clawbot-status'], 'redelivery');
      await a.channel.drain();
      await b.channel.drain();
      assert.equal(fake.to('/robot/sendBySession').length, 1);
    } finally {
      await a.channel.stop();
      await b.channel.stop();
      await fake.stop();
    }
  });
});
