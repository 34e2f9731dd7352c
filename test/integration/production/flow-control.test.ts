/**
 * Done when: a burst from one end user is throttled with the polite message while others are served (REST: 429
 * rate_limited + Retry-After; WeChat: the polite passive reply), a key outside its IP allow-list gets 403, the
 * concurrent-turn cap answers 503 + Retry-After, and a dead letter is listed and retried through the admin API.
 */
import assert from 'node:assert/strict';
import type { OutboundMessage } from '../../../core/envelope.js';
import { ChannelApiError } from '../../../core/errors.js';
import { startGateway, type TestGateway } from '../../helpers/gateway.js';
import { postChat, WECHAT, wechatSay } from './support.js';

describe('production: flow control (HTTP)', function () {
  this.timeout(60_000);

  describe('default limits (20 messages a minute per end user)', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startGateway({ channels: { wechat_official: WECHAT } });
    });
    after(() => gw.close());

    it('REST: the 21st message of one user_id is 429 rate_limited with Retry-After and the polite text; others are served', async () => {
      for (let i = 0; i < 20; i++) {
        const ok = await postChat(gw.url, gw.key, { query: 'how do I return an item?', user_id: 'burst-user' });
        assert.equal(ok.status, 200, `message ${i + 1}`);
      }
      const refused = await postChat(gw.url, gw.key, { query: 'how do I return an item?', user_id: 'burst-user' });
      assert.equal(refused.status, 429);
      assert.deepEqual(Object.keys(refused.body), ['error']);
      const error = refused.body['error'] as { code: string; message: string };
      assert.equal(error.code, 'rate_limited');
      assert.match(error.message, /a little quickly\. Please wait \d+ seconds/);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      const other = await postChat(gw.url, gw.key, { query: '退货怎么办', user_id: 'calm-user' });
      assert.equal(other.status, 200);
      assert.match(String(other.body['reply']), /退货/);
    });

    it('WeChat: the 21st push of one openid gets the polite reply in Chinese; another openid gets its answer', async () => {
      for (let i = 0; i < 20; i++) {
        const r = await wechatSay(gw.url, 'oBurstOpenid', '退货怎么办');
        assert.match(r.reply ?? '', /退货/, `push ${i + 1}`);
      }
      const throttled = await wechatSay(gw.url, 'oBurstOpenid', '退货怎么办');
      assert.equal(throttled.status, 200, 'answered, so WeChat does not retry');
      assert.match(throttled.reply ?? '', /您发送消息的速度有点快，请稍等 \d+ 秒后再发/);
      const other = await wechatSay(gw.url, 'oCalmOpenid', '退货怎么办');
      assert.match(other.reply ?? '', /退货/);
    });
  });

  it('a key outside its IP allow-list gets 403 (and so does its scrape of /metrics)', async () => {
    const key = 'allow-listed-key-0123456789';
    const gw = await startGateway({
      auth: { apiKeys: [{ key, scopes: ['chat', 'admin'], allowIps: ['10.0.0.0/8', '::2/128'] }] },
    });
    try {
      const chat = await postChat(gw.url, key, { query: 'hi' });
      assert.equal(chat.status, 403);
      assert.equal((chat.body['error'] as { code: string }).code, 'auth.forbidden');
      const metrics = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(metrics.status, 403);
    } finally {
      await gw.close();
    }
  });

  it('limits.perApiKey: a key over its budget is 429 whoever the user is', async () => {
    const gw = await startGateway({ limits: { perApiKey: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await postChat(gw.url, gw.key, { query: 'hi', user_id: `u${i}` })).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
    } finally {
      await gw.close();
    }
  });

  it('the concurrent-turn cap answers 503 overloaded with Retry-After', async () => {
    const gw = await startGateway({ limits: { maxConcurrentTurns: 1 } });
    try {
      // Hold the only slot with a turn that waits for its conversation lock.
      const lock = await gw.gateway.stores.locks.acquire('lock:{rest:default:held}', { ttlMs: 30_000, waitMs: 1000 });
      const held = postChat(gw.url, gw.key, { query: 'hi', session_id: 'held' });
      for (let i = 0; i < 100 && gw.gateway.flow.gate.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const refused = await postChat(gw.url, gw.key, { query: 'hi', session_id: 'other' });
      assert.equal(refused.status, 503);
      assert.equal((refused.body['error'] as { code: string }).code, 'overloaded');
      assert.equal(refused.headers.get('retry-after'), '1');
      await lock.release();
      assert.equal((await held).status, 200);
      assert.equal((await postChat(gw.url, gw.key, { query: 'hi', session_id: 'other' })).status, 200);
    } finally {
      await gw.close();
    }
  });

  it('agent and proactive messages that fail are retried; dead letters are listed and retried (admin API)', async () => {
    const gw = await startGateway({ delivery: { attempts: 2, backoffMs: 10, maxBackoffMs: 20 } });
    try {
      const rest = gw.gateway.channels.find((c) => c.id === 'rest');
      assert.ok(rest);
      const original = rest.send.bind(rest);
      let down = true;
      (rest as { send: typeof rest.send }).send = (m, s) =>
        down
          ? Promise.reject(
              new ChannelApiError({ channel: 'rest', method: 'push', message: 'upstream 502', httpStatus: 502 }),
            )
          : original(m, s);
      const message: OutboundMessage = {
        conversation: { channel: 'rest', tenant: 'default', conversation: 'dl' },
        parts: [{ type: 'text', text: 'your parcel left the warehouse' }],
        author: { kind: 'agent', agentId: 'alice' },
      };
      const receipt = await gw.gateway.send(message);
      assert.equal(receipt.via, 'queued');
      let letters: { id: string; text: string; attempts: number }[] = [];
      for (let i = 0; i < 100 && letters.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const res = await fetch(`${gw.url}/api/v1/admin/deadletters`, {
          headers: { authorization: `Bearer ${gw.key}` },
        });
        letters = ((await res.json()) as { dead_letters: typeof letters }).dead_letters;
      }
      assert.equal(letters.length, 1);
      assert.equal(letters[0]?.text, 'your parcel left the warehouse');
      assert.equal(letters[0]?.attempts, 2);
      down = false;
      const retry = await fetch(`${gw.url}/api/v1/admin/deadletters/${letters[0]?.id ?? ''}/retry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}` },
      });
      assert.equal(retry.status, 202);
      const again = await fetch(`${gw.url}/api/v1/admin/deadletters/${letters[0]?.id ?? ''}/retry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gw.key}` },
      });
      assert.equal(again.status, 404, 'no longer a dead letter');
      const chatOnly = await startGateway({
        auth: { apiKeys: [{ key: 'only-chat-key-0123456789', scopes: ['chat'] }] },
      });
      try {
        const res = await fetch(`${chatOnly.url}/api/v1/admin/deadletters`, {
          headers: { authorization: 'Bearer only-chat-key-0123456789' },
        });
        assert.equal(res.status, 403);
      } finally {
        await chatOnly.close();
      }
    } finally {
      await gw.close();
    }
  });
});
