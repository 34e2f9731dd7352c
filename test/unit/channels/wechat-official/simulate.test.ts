/** `simulateWechatOfficial` against the channel behind a real HTTP server, in every mode. */
import assert from 'node:assert/strict';
import { systemClock } from '../../../../core/clock.js';
import { createWechatOfficialChannel, simulateWechatOfficial } from '../../../../channels/wechat-official/index.js';
import type { WechatOfficialOptionsInput } from '../../../../channels/wechat-official/options.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { CapturingLogger, createTestHost, ScriptedEngine } from './fakes.js';
import { serveWebhook } from './http-server.js';
import { wechatOptions } from './requests.js';

async function serve(over: Partial<WechatOfficialOptionsInput>) {
  const options = wechatOptions(over);
  const kv = createInProcessKeyValue({ clock: systemClock });
  const locks = createInProcessLocks({ clock: systemClock });
  const log = new CapturingLogger();
  const channel = createWechatOfficialChannel(options, { kv, locks, clock: systemClock, log });
  const engine = new ScriptedEngine();
  await channel.start(createTestHost(channel, { kv, locks, clock: systemClock, log, engine }));
  return { options, engine, server: await serveWebhook(channel) };
}

describe('wechat-official simulate', () => {
  for (const mode of ['safe', 'compatible', 'plaintext'] as const) {
    it(`${mode} mode: a signed${mode === 'plaintext' ? '' : ', encrypted'} text gets a decoded non-empty answer`, async () => {
      const s = await serve(mode === 'plaintext' ? { encodingAESKey: undefined } : { mode });
      try {
        const r = await simulateWechatOfficial({ url: s.server.url, text: '退货怎么办', options: s.options });
        assert.equal(r.status, 200);
        assert.equal(r.reply, '答：退货怎么办');
        assert.equal(r.raw.includes('<Encrypt>'), mode !== 'plaintext');
        assert.deepEqual(s.engine.calls, ['退货怎么办']);
      } finally {
        await s.server.close();
      }
    });
  }

  it('a wrong token on the simulator side is refused with 401', async () => {
    const s = await serve({});
    try {
      const r = await simulateWechatOfficial({
        url: s.server.url,
        text: 'x',
        options: { ...s.options, token: 'wrongtoken' },
      });
      assert.equal(r.status, 401);
      assert.equal(r.reply, undefined);
    } finally {
      await s.server.close();
    }
  });
});
