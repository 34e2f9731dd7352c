/**
 * The webhook end to end through an in-test host (core dispatcher: dedupe, sequentialize, memory, engine):
 * URL verification, the three modes, refusals, message and event types, handoff and long replies.
 * Requests are encrypted and replies decrypted by Tencent's @wecom/crypto.
 */
import assert from 'node:assert/strict';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { utf8Length } from '../../../../channels/wechat-official/split.js';
import { contentOf, createHarness, nextMsgId, text, type Harness } from './harness.js';
import { FakeWechatApi } from './fake-wechat-api.js';
import { buildPush, DEMO, eventXml, OTHER_KEY, toRequest } from './requests.js';
import { flush } from './fakes.js';

const bodyOf = (r: WebhookResponse) => (typeof r.body === 'string' ? r.body : r.body.toString('utf8'));
const errorCode = (r: WebhookResponse) => (JSON.parse(bodyOf(r)) as { error: { code: string } }).error.code;

describe('wechat-official webhook: URL verification', () => {
  it('GET answers the echostr verbatim when signed, 401 otherwise (any mode)', async () => {
    const hx = await createHarness();
    const signed = buildPush({ xml: '', timestamp: hx.nowSec(), mode: 'plaintext' });
    const ok = await hx.channel.webhook.handle(
      toRequest({ query: { ...signed.query, echostr: '5837397520213290573' }, body: '' }, 'GET'),
    );
    assert.equal(ok.status, 200);
    assert.equal(bodyOf(ok), '5837397520213290573');
    const bad = await hx.channel.webhook.handle(
      toRequest({ query: { ...signed.query, signature: '0'.repeat(40), echostr: 'x' }, body: '' }, 'GET'),
    );
    assert.equal(bad.status, 401);
    await hx.tick(3_600_000);
    const stale = await hx.channel.webhook.handle(
      toRequest({ query: { ...signed.query, echostr: 'x' }, body: '' }, 'GET'),
    );
    assert.equal(stale.status, 401);
    assert.equal(errorCode(stale), 'channel.timestamp_stale');
  });
});

describe('wechat-official webhook: modes', () => {
  it('plaintext: a text gets a plaintext passive reply with swapped ids and seconds', async () => {
    const hx = await createHarness({ options: { encodingAESKey: undefined } });
    const a = await hx.ask(text(hx, '你好'));
    assert.equal(a.encrypted, false);
    assert.equal(contentOf(a), '答：你好');
    assert.equal(a.fields?.ToUserName, DEMO.openid);
    assert.equal(a.fields?.FromUserName, DEMO.account);
    assert.equal(a.fields?.CreateTime, String(hx.nowSec()));
  });

  it('safe: encrypted push -> encrypted reply (verified and decrypted by @wecom/crypto); unencrypted push -> 401', async () => {
    const hx = await createHarness();
    const a = await hx.ask(text(hx, 'safe'), { mode: 'safe' });
    assert.equal(a.encrypted, true);
    assert.equal(contentOf(a), '答：safe');
    const plain = await hx.push(text(hx, 'no'), { mode: 'plaintext' });
    assert.equal(plain.status, 401);
    assert.equal(hx.engine.calls.length, 1);
  });

  it('compatible: encrypted pushes get encrypted replies, plaintext pushes plaintext replies', async () => {
    const hx = await createHarness({ options: { mode: 'compatible' } });
    const enc = await hx.ask(text(hx, 'a'), { mode: 'compatible' });
    assert.ok(enc.encrypted && contentOf(enc) === '答：a');
    const plain = await hx.ask(text(hx, 'b'), { mode: 'plaintext' });
    assert.ok(!plain.encrypted && contentOf(plain) === '答：b');
  });

  it('key rotation: a push under previousEncodingAESKey is accepted and answered with that key', async () => {
    const hx = await createHarness({
      options: { encodingAESKey: OTHER_KEY, previousEncodingAESKey: DEMO.encodingAESKey },
    });
    const old = await hx.ask(text(hx, 'old key'), { mode: 'safe', key: DEMO.encodingAESKey });
    assert.equal(contentOf(old), '答：old key');
    const current = await hx.ask(text(hx, 'new key'), { mode: 'safe', key: OTHER_KEY });
    assert.equal(contentOf(current), '答：new key');
    assert.match(hx.log.text, /previousEncodingAESKey/);
  });
});

describe('wechat-official webhook: refusals', () => {
  let hx: Harness;
  beforeEach(async () => {
    hx = await createHarness();
  });
  const expectRefused = async (r: Promise<WebhookResponse> | WebhookResponse, status: number, code: string) => {
    const res = await r;
    assert.equal(res.status, status, bodyOf(res));
    assert.equal(errorCode(res), code);
  };

  it('bad, missing and tampered signatures -> 401', async () => {
    const push = buildPush({ xml: text(hx, 'x'), timestamp: hx.nowSec(), mode: 'safe' });
    await expectRefused(
      hx.channel.webhook.handle(toRequest({ ...push, query: { ...push.query, signature: 'f'.repeat(40) } })),
      401,
      'channel.signature_invalid',
    );
    const { signature: _s, ...noSig } = push.query;
    await expectRefused(
      hx.channel.webhook.handle(toRequest({ ...push, query: noSig })),
      401,
      'channel.signature_invalid',
    );
    await expectRefused(
      hx.channel.webhook.handle(toRequest({ ...push, query: { ...push.query, msg_signature: 'a'.repeat(40) } })),
      401,
      'channel.signature_invalid',
    );
    const flipped = push.body.replace(
      /<Encrypt><!\[CDATA\[(.)/,
      (_m, c: string) => `<Encrypt><![CDATA[${c === 'A' ? 'B' : 'A'}`,
    );
    await expectRefused(
      hx.channel.webhook.handle(toRequest({ query: { ...push.query, nonce: '1' + push.query.nonce! }, body: flipped })),
      401,
      'channel.signature_invalid',
    );
    await expectRefused(
      hx.push(text(hx, 'x'), { mode: 'safe', token: 'wrongtoken' }),
      401,
      'channel.signature_invalid',
    );
    assert.equal(hx.engine.calls.length, 0);
  });

  it('stale and future-dated timestamps -> 401', async () => {
    await expectRefused(hx.push(text(hx, 'x'), { timestamp: hx.nowSec() - 301 }), 401, 'channel.timestamp_stale');
    await expectRefused(hx.push(text(hx, 'x'), { timestamp: hx.nowSec() + 301 }), 401, 'channel.timestamp_stale');
  });

  it('a decrypted AppID other than ours -> 401', async () => {
    await expectRefused(hx.push(text(hx, 'x'), { appId: 'wxsomeoneelse00000' }), 401, 'channel.signature_invalid');
  });

  it('XML with DOCTYPE or ENTITY declarations -> 400, outside or inside the encryption', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${text(hx, '&x;')}`;
    const plainHx = await createHarness({ options: { encodingAESKey: undefined } });
    await expectRefused(plainHx.push(xxe), 400, 'channel.payload_invalid');
    await expectRefused(hx.push(xxe, { mode: 'safe' }), 400, 'channel.payload_invalid');
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>';
    await expectRefused(plainHx.push(lol), 400, 'channel.payload_invalid');
  });

  it('malformed XML -> 400; oversized body -> 413; replayed nonce with another body -> 401', async () => {
    const plainHx = await createHarness({ options: { encodingAESKey: undefined } });
    await expectRefused(plainHx.push('<xml><ToUserName>'), 400, 'channel.payload_invalid');
    await expectRefused(plainHx.push('not xml at all'), 400, 'channel.payload_invalid');
    await expectRefused(plainHx.push(`<xml><A>${'x'.repeat(65 * 1024)}</A></xml>`), 413, 'request.too_large');
    const first = buildPush({
      xml: text(plainHx, 'one'),
      timestamp: plainHx.nowSec(),
      mode: 'plaintext',
      nonce: '777',
    });
    assert.equal((await plainHx.channel.webhook.handle(toRequest(first))).status, 200);
    const again = await plainHx.channel.webhook.handle(toRequest({ query: first.query, body: text(plainHx, 'two') }));
    assert.equal(again.status, 401);
    assert.equal(errorCode(again), 'channel.replayed');
    // An identical redelivery (a platform retry) is not a replay: it is answered (dedupe keeps it to one turn).
    assert.equal((await plainHx.channel.webhook.handle(toRequest(first))).status, 200);
    assert.deepEqual(plainHx.engine.calls, ['one']);
  });

  it('a retry that WeChat re-encrypted under the same timestamp and nonce is not a replay', async () => {
    const xml = text(hx, 'again');
    const spec = { xml, timestamp: hx.nowSec(), mode: 'safe' as const, nonce: '31337' };
    const first = buildPush({ ...spec, random: Buffer.alloc(16, 1) });
    const second = buildPush({ ...spec, random: Buffer.alloc(16, 2) });
    assert.notEqual(first.body, second.body);
    assert.equal((await hx.channel.webhook.handle(toRequest(first))).status, 200);
    assert.equal((await hx.channel.webhook.handle(toRequest(second))).status, 200);
    const other = buildPush({ ...spec, xml: text(hx, 'different') });
    await expectRefused(hx.channel.webhook.handle(toRequest(other)), 401, 'channel.replayed');
    assert.deepEqual(hx.engine.calls, ['again']);
  });

  it('a channel that is not started answers 503 so WeChat retries', async () => {
    const idle = await createHarness({ start: false });
    await expectRefused(idle.push(text(idle, 'x')), 503, 'overloaded');
  });
});

describe('wechat-official webhook: message and event types', () => {
  it('64-bit MsgId stays a string end to end', async () => {
    const hx = await createHarness();
    await hx.ask(text(hx, 'id', '18446744073709551615'));
    const ev = hx.host.events[0]!;
    assert.equal(ev.id, '18446744073709551615');
    assert.equal((ev.raw as Record<string, unknown>).MsgId, '18446744073709551615');
    assert.equal(ev.conversation.tenant, DEMO.appId);
    assert.equal(ev.conversation.conversation, DEMO.openid);
  });

  it('voice uses Recognition; image reaches the engine; unsupported types get a polite reply', async () => {
    const hx = await createHarness();
    const head = `<ToUserName><![CDATA[${DEMO.account}]]></ToUserName><FromUserName><![CDATA[${DEMO.openid}]]></FromUserName><CreateTime>${hx.nowSec()}</CreateTime>`;
    const voice = await hx.ask(
      `<xml>${head}<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[查物流]]></Recognition><MsgId>${nextMsgId()}</MsgId></xml>`,
    );
    assert.equal(contentOf(voice), '答：查物流');
    const card = await hx.ask(
      `<xml>${head}<MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>${nextMsgId()}</MsgId></xml>`,
    );
    assert.match(contentOf(card) ?? '', /暂时无法处理/);
    assert.deepEqual(hx.engine.calls, ['查物流']);
  });

  it('subscribe: the configured welcome, else the bot’s own greeting from a conversation.started turn', async () => {
    const withWelcome = await createHarness({ options: { welcome: '感谢关注！' } });
    assert.equal(
      contentOf(await withWelcome.ask(eventXml({ event: 'subscribe', createTime: withWelcome.nowSec() }))),
      '感谢关注！',
    );
    const bot = await createHarness();
    const a = await bot.ask(eventXml({ event: 'subscribe', createTime: bot.nowSec(), key: 'qrscene_7' }));
    assert.equal(contentOf(a), '欢迎关注！');
    assert.equal(bot.host.events[0]!.kind, 'conversation.started');
    assert.equal(bot.host.events[0]!.id, `${DEMO.openid}:${bot.nowSec()}:subscribe`);
  });

  it('unsubscribe and VIEW are acknowledged at once; CLICK and SCAN become actions', async () => {
    const hx = await createHarness();
    const t = hx.nowSec();
    assert.equal(bodyOf(await hx.push(eventXml({ event: 'unsubscribe', createTime: t }))), 'success');
    assert.equal(bodyOf(await hx.push(eventXml({ event: 'VIEW', createTime: t, key: 'https://x' }))), 'success');
    assert.equal(bodyOf(await hx.push(eventXml({ event: 'CLICK', createTime: t, key: 'MENU_HELP' }))), 'success');
    assert.equal(bodyOf(await hx.push(eventXml({ event: 'LOCATION', createTime: t }))), 'success');
    await flush();
    const kinds = hx.host.events.map((e) => (e.kind === 'action' ? `${e.action}=${e.value}` : e.kind));
    assert.deepEqual(kinds.sort(), ['conversation.ended', 'menu.click=MENU_HELP', 'menu.view=https://x'].sort());
  });

  it('events dedupe by FromUserName + CreateTime + Event: a repeated CLICK runs one turn', async () => {
    const hx = await createHarness();
    const xml = eventXml({ event: 'CLICK', createTime: hx.nowSec(), key: 'K' });
    await hx.push(xml);
    await hx.push(xml);
    assert.equal(hx.host.outcomes.filter((o) => o.status === 'handled').length, 1);
  });
});

describe('wechat-official webhook: handoff and long replies', () => {
  it('handoffTarget transfer_customer_service: a handoff turn answers transfer_customer_service with KfAccount', async () => {
    const hx = await createHarness({
      options: { handoffTarget: 'transfer_customer_service', kfAccount: 'kf2001@gh_10f6c3c3ac5a' },
    });
    hx.engine.answer = () => ({
      reply: [{ type: 'text', text: '正在为您转接人工客服' }],
      understanding: { intent: 'handoff', confidence: 1, handoff: true, sources: [] },
    });
    const a = await hx.ask(text(hx, '转人工'));
    assert.equal(a.fields?.MsgType, 'transfer_customer_service');
    assert.deepEqual(a.fields?.TransInfo, { KfAccount: 'kf2001@gh_10f6c3c3ac5a' });
  });

  it('without the customer-service API a long answer is cut to 2,000 bytes with a note', async () => {
    const hx = await createHarness();
    hx.engine.answer = () => ({ reply: [{ type: 'text', text: '这是一个很长的回答。'.repeat(150) }] });
    const c = contentOf(await hx.ask(text(hx, 'long')))!;
    assert.ok(utf8Length(c) <= 2000, `${utf8Length(c)} bytes`);
    assert.ok(c.endsWith('（内容过长，已截断）'));
  });

  it('with the customer-service API the first piece is passive and the rest goes through the API', async () => {
    const api = await new FakeWechatApi(DEMO.appId, DEMO.appSecret).start();
    try {
      const hx = await createHarness({ options: { customerServiceApi: true, apiBaseUrl: api.url } });
      const long = '这是一个很长的回答。'.repeat(150); // 4,500 bytes
      hx.engine.answer = () => ({ reply: [{ type: 'text', text: long }] });
      const first = contentOf(await hx.ask(text(hx, 'long')))!;
      for (let i = 0; i < 50 && api.sent.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      const rest = api.sent.map((s) => (s.body.text as { content: string }).content);
      assert.equal(rest.length, 2);
      assert.equal(first + rest.join(''), long);
      assert.ok([first, ...rest].every((p) => utf8Length(p) <= 2000));
      assert.equal((await hx.channel.getServiceWindow(DEMO.openid)).remaining, 3);
    } finally {
      await api.close();
    }
  });

  it('records turns in memory under wechat_official:<appId>:<openid>', async () => {
    const hx = await createHarness();
    await hx.ask(text(hx, 'remember me'));
    const turns = hx.store.turns.get(`wechat_official:${DEMO.appId}:${DEMO.openid}`) ?? [];
    assert.equal(turns.length, 1);
    assert.equal(turns[0]!.user, 'remember me');
    assert.deepEqual(
      turns[0]!.replies.map((r) => r.text),
      ['答：remember me'],
    );
  });
});
