import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { silentLogger } from '../../../core/logger.js';
import { createWechatOfficialChannel, wechatOfficialOptionsSchema } from '../../../channels/wechat-official/index.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../memory/index.js';

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
