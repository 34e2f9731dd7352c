import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import { createGroupRobotNotifier } from '../../../../channels/dingtalk/group-robot.js';
import { nextGrantDelay } from '../../../../channels/dingtalk/rate-limiter.js';
import { computeDingTalkSign } from '../../../../channels/dingtalk/signature.js';
import { captureLogger, FakeDingTalk, settle } from './helpers.js';

const SECRET = 'SECb2f8a4d8e5c7f8e6a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c5a7b9d1f3e5a7';
const TOKEN = 'robot-access-token-0001';

describe('dingtalk custom group robot notifier', () => {
  let fake: FakeDingTalk;
  let clock: ManualClock;
  const log = captureLogger();

  beforeEach(async () => {
    fake = await new FakeDingTalk().start();
    clock = new ManualClock(1_700_000_000_000);
  });
  afterEach(() => fake.stop());

  const notifier = () =>
    createGroupRobotNotifier(
      {
        webhook: `${fake.base}/robot/send?access_token=${TOKEN}`,
        secret: SECRET,
        allowedHosts: [`127.0.0.1:${fake.port}`],
      },
      { clock, log },
    );

  it('signs each message with timestamp and URL-encoded sign (the reference algorithm)', async () => {
    await notifier().notify('新工单等待处理 #42', { atUserIds: ['agent-1'] });
    const req = fake.to('/robot/send')[0]!;
    const url = new URL(req.url, fake.base);
    assert.equal(url.searchParams.get('access_token'), TOKEN);
    assert.equal(url.searchParams.get('timestamp'), '1700000000000');
    assert.equal(url.searchParams.get('sign'), computeDingTalkSign('1700000000000', SECRET));
    assert.match(req.url, /sign=5PRYlY7R6RFk1FA9wx8rDxitgUy8SAM2b6oBrBySSyc%3D$/);
    assert.deepEqual(req.body, {
      msgtype: 'text',
      text: { content: '新工单等待处理 #42' },
      at: { atUserIds: ['agent-1'] },
    });
  });

  it('queues beyond 20 messages per minute instead of dropping them', async () => {
    const n = notifier();
    const sends = Array.from({ length: 25 }, (_, i) => n.notify(`ticket ${i}`));
    await fake.waitFor('/robot/send', 20);
    await settle(10);
    assert.equal(fake.to('/robot/send').length, 20);
    assert.equal(n.pending(), 5);
    clock.advance(59_999);
    await settle(10);
    assert.equal(fake.to('/robot/send').length, 20, 'still inside the minute');
    clock.advance(1);
    await Promise.all(sends);
    const texts = fake.to('/robot/send').map((r) => (r.body as { text: { content: string } }).text.content);
    assert.deepEqual(
      texts,
      Array.from({ length: 25 }, (_, i) => `ticket ${i}`),
      'all delivered, in order',
    );
    const late = fake.to('/robot/send').slice(20);
    assert.ok(late.every((r) => new URL(r.url, fake.base).searchParams.get('timestamp') === '1700000060000'));
  });

  it('pauses the queue after DingTalk throttles the robot, then resumes', async () => {
    let throttle = true;
    fake.respond = (req) => {
      if (req.path !== '/robot/send') return undefined;
      if (throttle) {
        throttle = false;
        return { status: 200, body: { errcode: 130101, errmsg: 'send too fast' } };
      }
      return undefined;
    };
    const n = notifier();
    await assert.rejects(n.notify('one'), { code: 'channel.api_failed', retryAfterMs: 600_000 });
    const next = n.notify('two');
    await settle(10);
    assert.equal(fake.to('/robot/send').length, 1, 'nothing sent while paused');
    clock.advance(600_000);
    await next;
    assert.equal(fake.to('/robot/send').length, 2);
  });

  it('explains 310000 and never logs the access_token', async () => {
    fake.respond = () => ({ status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    await assert.rejects(notifier().notify('x'), { code: 'channel.api_failed', message: /URL-encode the sign/ });
    assert.equal(log.lines.join('\n').includes(TOKEN), false);
    assert.equal(log.lines.join('\n').includes(SECRET), false);
  });

  it('refuses a webhook outside the allow-list', () => {
    assert.throws(
      () => createGroupRobotNotifier({ webhook: 'https://evil.example/robot/send?access_token=x' }, { clock, log }),
      {
        code: 'channel.host_not_allowed',
      },
    );
  });
});

describe('dingtalk sliding rate window (pure)', () => {
  it('computes the wait for the next grant', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => 1000 + i);
    assert.equal(nextGrantDelay(twenty.slice(0, 19), 2000, 20, 60_000, 0), 0);
    assert.equal(nextGrantDelay(twenty, 2000, 20, 60_000, 0), 59_000);
    assert.equal(nextGrantDelay(twenty, 61_000, 20, 60_000, 0), 0);
    assert.equal(nextGrantDelay([], 0, 20, 60_000, 5000), 5000);
  });
});
