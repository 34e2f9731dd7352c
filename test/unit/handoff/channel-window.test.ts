import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { silentLogger } from '../../../core/logger.js';
import { createDingTalkChannel, type DingTalkChannel } from '../../../channels/dingtalk/index.js';
import { createWechatOfficialChannel, wechatOfficialOptionsSchema } from '../../../channels/wechat-official/index.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../memory/index.js';
import { createTestHost, FakeDingTalk, fixture, signedRequest } from '../channels/dingtalk/helpers.js';
import { createBench } from './harness.js';

describe('channel window port: WeChat 48-hour customer-service window', () => {
  const clock = new ManualClock();
  const kv = createInProcessKeyValue({ clock });
  const channel = createWechatOfficialChannel(
    wechatOfficialOptionsSchema.parse({ token: 'tok', appId: 'wxapp', appSecret: 'secret' }),
    { kv, locks: createInProcessLocks({ clock }), clock, log: silentLogger },
  );
  const conversation = { channel: 'wechat_official', tenant: 'wxapp', conversation: 'openid-1' };

  it('is closed, with the reason, for a user who has not written', async () => {
    const w = await channel.window?.(conversation);
    assert.equal(w?.open, false);
    assert.match(w?.detail ?? '', /48 hours/);
  });

  it('is open with 5 messages until 48 hours after the last user message (delegates to getServiceWindow)', async () => {
    await kv.set(
      'wechat:window:{wechat_official:wxapp}:openid-1',
      JSON.stringify({ lastMessageAt: clock.now(), usedSinceMessage: 0, usedSinceInteraction: 0 }),
      60_000_000,
    );
    const w = await channel.window?.(conversation);
    assert.deepEqual(w, { open: true, remaining: 5, expiresAt: clock.now() + 48 * 3_600_000 });
    const direct = await channel.getServiceWindow('openid-1');
    assert.equal(direct.remaining, w?.remaining);
    clock.advance(48 * 3_600_000);
    assert.equal((await channel.window?.(conversation))?.open, false);
  });
});

describe('channel window port: DingTalk sessionWebhook expiry', () => {
  const SECRET = 'window-secret-0123456789abcdef';
  const NOW = 1_774_080_995_000; // just after the text fixture's createAt
  let fake: FakeDingTalk;
  let channel: DingTalkChannel;
  let clock: ManualClock;
  let host: ReturnType<typeof createTestHost>;

  beforeEach(async () => {
    fake = await new FakeDingTalk().start();
    clock = new ManualClock(NOW);
    const kv = createInProcessKeyValue({ clock });
    const locks = createInProcessLocks({ clock });
    channel = createDingTalkChannel(
      {
        appKey: 'dingappkey0000001',
        appSecret: SECRET,
        apiBaseUrl: fake.base,
        allowedHosts: [`127.0.0.1:${fake.port}`],
      },
      { kv, locks, clock, log: silentLogger },
    );
    host = createTestHost(channel, { kv, locks, clock, log: silentLogger });
    await channel.start(host);
  });
  afterEach(async () => {
    await channel.stop();
    await fake.stop();
  });

  it('is closed, with the reason, before the user has written to the robot in the conversation', async () => {
    const w = await channel.window?.({ channel: 'dingtalk', tenant: 'dingrobotcode0000001', conversation: 'cidNone' });
    assert.equal(w?.open, false);
    assert.match(w?.detail ?? '', /has not messaged the robot/);
  });

  it("shows until when the callback's sessionWebhook works (30 s margin); then the OpenAPI keeps it open", async () => {
    const expiresAt = NOW + 90 * 60_000;
    const payload = {
      ...fixture('cb_msg_text.json'),
      sessionWebhook: `${fake.base}/robot/sendBySession?session=w`,
      sessionWebhookExpiredTime: expiresAt,
    };
    const res = await channel.webhook!.handle(signedRequest(payload, { appSecret: SECRET, timestamp: NOW }));
    assert.equal(res.status, 200);
    await channel.drain();
    const conversation = host.seen[0]!.conversation; // the ref a handoff ticket of this conversation carries
    assert.deepEqual(await channel.window?.(conversation), { open: true, sessionReplyUntil: expiresAt - 30_000 });
    clock.advance(90 * 60_000 - 30_000);
    assert.deepEqual(await channel.window?.(conversation), { open: true });
  });

  it('reaches the agent in the handoff packet as it is', async () => {
    const payload = {
      ...fixture('cb_msg_text.json'),
      sessionWebhook: `${fake.base}/robot/sendBySession?session=p`,
      sessionWebhookExpiredTime: NOW + 60 * 60_000,
    };
    await channel.webhook!.handle(signedRequest(payload, { appSecret: SECRET, timestamp: NOW }));
    await channel.drain();
    const b = createBench();
    b.window = await channel.window?.(host.seen[0]!.conversation);
    await b.say('weather'); // a handoff
    const { id } = (await b.service.active('rest:default:s1'))!;
    const packet = await b.desk.packet('alice', id);
    assert.deepEqual(packet.window, { open: true, sessionReplyUntil: NOW + 60 * 60_000 - 30_000 });
  });
});
