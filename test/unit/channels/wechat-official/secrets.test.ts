/** Nothing secret reaches the log: AppSecret, EncodingAESKey, Token, access tokens, signatures. */
import assert from 'node:assert/strict';
import { createHarness, text } from './harness.js';
import { deferred, flush } from './fakes.js';
import { FakeWechatApi } from './fake-wechat-api.js';
import { buildPush, DEMO, eventXml, toRequest } from './requests.js';

const TOKEN = 'Tok3nSecretValue42';
const SECRET = 'APPSECRET-7f3b9c2d1e0a4b5c6d7e8f90';
const KEY = 'Qm9vbXNlY3JldGtleWZvcnRoZXdlY2hhdHRlc3QxMjM'; // 43 characters

describe('wechat-official logs carry no secrets', () => {
  it('after good, forged, stale, replayed and failing traffic the log has no secret', async () => {
    const api = await new FakeWechatApi(DEMO.appId, SECRET).start();
    try {
      const hx = await createHarness({
        options: {
          token: TOKEN,
          appSecret: SECRET,
          encodingAESKey: KEY,
          customerServiceApi: true,
          apiBaseUrl: api.url,
        },
      });
      const signed = { token: TOKEN, key: KEY };
      await hx.push(text(hx, 'hello'), { ...signed, mode: 'safe' });
      await hx.push(text(hx, 'forged'), { key: KEY, mode: 'safe', token: 'nottheToken' });
      await hx.push(text(hx, 'stale'), { ...signed, mode: 'safe', timestamp: hx.nowSec() - 4000 });
      await hx.push(`<!DOCTYPE x [<!ENTITY e "${TOKEN}">]><xml/>`, { ...signed, mode: 'safe' });
      const once = buildPush({ xml: text(hx, 'one'), timestamp: hx.nowSec(), mode: 'safe', ...signed, nonce: '42' });
      await hx.channel.webhook.handle(toRequest(once));
      await hx.channel.webhook.handle(
        toRequest({ query: once.query, body: once.body.replace('</xml>', '<X/></xml>') }),
      );
      await hx.push(eventXml({ event: 'subscribe', createTime: hx.nowSec() }), { ...signed, mode: 'safe' });
      // A late answer through the API: token fetched, then rejected (40001), refreshed, then a hard failure.
      const gate = deferred();
      hx.engine.gate = gate.promise;
      api.invalidateCurrent();
      api.sendErrors.push(40001, 40164);
      const slow = hx.push(text(hx, 'slow'), { ...signed, mode: 'safe' });
      await flush();
      await hx.tick(4_500);
      gate.resolve();
      await slow;
      for (let i = 0; i < 100 && api.sendErrors.length > 0; i++) await new Promise((r) => setTimeout(r, 5));
      await flush(10);
      // A second replica whose token fetch fails (wrong secret is reported, never the secret itself).
      api.tokenError = 40125;
      const other = await createHarness({
        log: hx.log,
        options: {
          token: TOKEN,
          appSecret: SECRET,
          encodingAESKey: KEY,
          customerServiceApi: true,
          apiBaseUrl: api.url,
        },
      });
      other.engine.gate = new Promise(() => undefined); // never answers in time
      const late = other.push(text(other, 'late'), { ...signed, mode: 'safe' });
      await flush();
      await other.tick(4_500);
      await late;
      await other.channel
        .send({
          conversation: { channel: 'wechat_official', tenant: DEMO.appId, conversation: DEMO.openid },
          parts: [{ type: 'text', text: 'agent says hi' }],
          author: { kind: 'agent', agentId: 'a1' },
        })
        .catch((e: unknown) => hx.log.error({ err: e instanceof Error ? e.message : String(e) }, 'send failed'));
      const logText = hx.log.text;
      assert.ok(hx.log.lines.length >= 8, `only ${hx.log.lines.length} log lines: the battery did not run`);
      assert.match(logText, /WeChat push refused/);
      assert.match(logText, /customer-service message failed/);
      assert.match(logText, /40125/);
      for (const secret of [TOKEN, SECRET, KEY, ...api.tokenCalls.map(() => 'ACCESS_TOKEN_')]) {
        assert.ok(!logText.includes(secret), `log contains ${secret.slice(0, 6)}…`);
      }
      for (const sig of [once.query.signature!, once.query.msg_signature!]) assert.ok(!logText.includes(sig));
    } finally {
      await api.close();
    }
  });
});
