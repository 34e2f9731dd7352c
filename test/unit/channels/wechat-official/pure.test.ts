/** The pure pieces: signature checks, safe XML, push parsing, service window. */
import assert from 'node:assert/strict';
import { parsePush, pushId } from '../../../../channels/wechat-official/inbound.js';
import {
  afterInteraction,
  afterUserMessage,
  consumeOne,
  EMPTY_WINDOW_RECORD,
  MESSAGE_WINDOW_MS,
  serviceWindowOf,
} from '../../../../channels/wechat-official/service-window.js';
import {
  checkFreshness,
  computeSignature,
  signaturesMatch,
  verifyMsgSignature,
  verifySignature,
} from '../../../../channels/wechat-official/signature.js';
import {
  buildXml,
  findDeclaration,
  matchSafeEnvelope,
  parseWechatXml,
  type XmlFields,
} from '../../../../channels/wechat-official/xml.js';
import { wechatOfficialOptionsSchema } from '../../../../channels/wechat-official/options.js';
import { DEMO } from './requests.js';

const NOW = 1_409_735_669_000;

function fields(xml: string): XmlFields {
  const r = parseWechatXml(xml);
  if (!r.ok) throw new Error(r.detail);
  return r.fields;
}

const head = (type: string, extra: string, created = 1409735668) =>
  `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>${created}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>${extra}</xml>`;

describe('wechat-official signature', () => {
  const q = { signature: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a', timestamp: '1409735669', nonce: '1320562132' };

  it('accepts the documented signature (upper-case hex too) and refuses others', () => {
    assert.deepEqual(verifySignature(q, 'spamtest', NOW, 300), { ok: true });
    assert.deepEqual(verifySignature({ ...q, signature: q.signature.toUpperCase() }, 'spamtest', NOW, 300), {
      ok: true,
    });
    const bad = verifySignature({ ...q, signature: q.signature.replace('a', 'b') }, 'spamtest', NOW, 300);
    assert.ok(!bad.ok && bad.reason === 'mismatch');
    const wrongToken = verifySignature(q, 'other', NOW, 300);
    assert.ok(!wrongToken.ok && wrongToken.reason === 'mismatch');
    const missing = verifySignature({ timestamp: q.timestamp, nonce: q.nonce }, 'spamtest', NOW, 300);
    assert.ok(!missing.ok && missing.reason === 'missing');
    assert.equal(signaturesMatch('abc', computeSignature('a', 'b', 'c')), false, 'length differs');
  });

  it('freshness window: both directions, configurable, 0 disables', () => {
    assert.ok(checkFreshness('1409735669', NOW + 300_000, 300).ok);
    assert.ok(!checkFreshness('1409735669', NOW + 301_000, 300).ok);
    assert.ok(!checkFreshness('1409735669', NOW - 301_000, 300).ok, 'future-dated');
    assert.ok(checkFreshness('1409735669', NOW + 86_400_000, 0).ok);
    assert.ok(!checkFreshness('1409735669x', NOW, 0).ok);
    const stale = verifySignature(q, 'spamtest', NOW + 3_600_000, 300);
    assert.ok(!stale.ok && stale.reason === 'stale');
  });

  it('msg_signature covers the Encrypt text', () => {
    const sig = '5d197aaffba7e9b25a30732f161a50dee96bd5fa';
    assert.ok(!verifyMsgSignature(sig, 'spamtest', '1409735669', '1320562132', 'tampered').ok);
    assert.ok(!verifyMsgSignature(undefined, 'spamtest', '1', '2', 'x').ok);
  });
});

describe('wechat-official safe XML', () => {
  it('refuses DOCTYPE and ENTITY declarations outside CDATA, accepts them as text inside CDATA', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>';
    const r = parseWechatXml(xxe);
    assert.ok(!r.ok && r.reason === 'declaration');
    assert.ok(!parseWechatXml('<xml><!ENTITY a "b"><A>1</A></xml>').ok);
    assert.equal(findDeclaration('<xml><!-- note --><A><![CDATA[<!DOCTYPE html>]]></A></xml>'), undefined);
    const ok = parseWechatXml('<xml><Content><![CDATA[<!DOCTYPE html><!ENTITY x "y">]]></Content></xml>');
    assert.ok(ok.ok);
    assert.equal(ok.fields.Content, '<!DOCTYPE html><!ENTITY x "y">');
  });

  it('keeps every value a string: the 64-bit MsgId and CreateTime are not turned into numbers', () => {
    const f = fields(head('text', '<Content><![CDATA[hi]]></Content><MsgId>18446744073709551615</MsgId>'));
    assert.equal(f.MsgId, '18446744073709551615');
    assert.equal(f.CreateTime, '1409735668');
  });

  it('refuses malformed XML, a second root, and non-<xml> roots', () => {
    assert.equal((parseWechatXml('<xml><A>1</A>') as { reason: string }).reason, 'malformed');
    assert.equal((parseWechatXml('<xml><A>1</A></xml><xml/>') as { reason: string }).reason, 'not_wechat');
    assert.equal((parseWechatXml('<root><A>1</A></root>') as { reason: string }).reason, 'not_wechat');
    assert.equal((parseWechatXml('') as { ok: boolean }).ok, false);
  });

  it('reads the canonical safe-mode envelope directly, and only that shape', () => {
    const enc =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    assert.equal(
      matchSafeEnvelope(
        `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`,
      ),
      enc,
    );
    assert.equal(
      matchSafeEnvelope(
        `<xml>\n <Encrypt><![CDATA[${enc}]]></Encrypt>\n <ToUserName><![CDATA[gh_1]]></ToUserName>\n</xml>`,
      ),
      enc,
    );
    assert.equal(
      matchSafeEnvelope(
        `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><MsgType>text</MsgType></xml>`,
      ),
      undefined,
    );
    assert.equal(matchSafeEnvelope(`<!DOCTYPE x><xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`), undefined);
    assert.equal(matchSafeEnvelope(`<xml><Encrypt><![CDATA[a]]>b]]></Encrypt></xml>`), undefined);
  });

  it('builds CDATA values safely, "]]>" included', () => {
    const xml = buildXml({ Content: 'a]]>b<c>&', CreateTime: 5 });
    assert.equal(xml, '<xml><Content><![CDATA[a]]]]><![CDATA[>b<c>&]]></Content><CreateTime>5</CreateTime></xml>');
    assert.equal(fields(xml).Content, 'a]]>b<c>&');
  });
});

describe('wechat-official inbound', () => {
  const ctx = { appId: DEMO.appId, receivedAt: 42 };

  it('text: id = MsgId (string), conversation = appId + openid', () => {
    const p = parsePush(
      fields(head('text', '<Content><![CDATA[ 你好 ]]></Content><MsgId>6054768590064713728</MsgId>')),
      ctx,
    );
    assert.ok(p.type === 'message');
    assert.equal(p.event.id, '6054768590064713728');
    assert.deepEqual(p.event.conversation, { channel: 'wechat_official', tenant: DEMO.appId, conversation: 'oUser' });
    assert.equal(p.event.text, '你好');
    assert.equal(p.event.mentionsBot, true);
    assert.equal(p.header.account, 'gh_1');
  });

  it('voice uses Recognition when present; media types carry their ids', () => {
    const v = parsePush(
      fields(
        head(
          'voice',
          '<MediaId><![CDATA[m1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[查订单]]></Recognition><MsgId>1</MsgId>',
        ),
      ),
      ctx,
    );
    assert.ok(v.type === 'message');
    assert.equal(v.event.text, '查订单');
    assert.deepEqual(v.event.parts, [{ type: 'audio', mediaId: 'm1', transcript: '查订单' }]);
    const silent = parsePush(
      fields(head('voice', '<MediaId><![CDATA[m1]]></MediaId><Recognition><![CDATA[]]></Recognition><MsgId>2</MsgId>')),
      ctx,
    );
    assert.ok(silent.type === 'message' && silent.event.text === '');
    const img = parsePush(
      fields(
        head('image', '<PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId><![CDATA[m2]]></MediaId><MsgId>3</MsgId>'),
      ),
      ctx,
    );
    assert.ok(img.type === 'message');
    assert.deepEqual(img.event.parts, [{ type: 'image', url: 'http://p/1.jpg', mediaId: 'm2' }]);
    for (const t of ['video', 'shortvideo']) {
      const vid = parsePush(
        fields(head(t, '<MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>4</MsgId>')),
        ctx,
      );
      assert.ok(vid.type === 'message');
      assert.deepEqual(vid.event.parts, [{ type: 'video', mediaId: 'm3' }]);
    }
  });

  it('location and link', () => {
    const loc = parsePush(
      fields(
        head(
          'location',
          '<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州]]></Label><MsgId>5</MsgId>',
        ),
      ),
      ctx,
    );
    assert.ok(loc.type === 'message');
    assert.deepEqual(loc.event.parts, [{ type: 'location', lat: 23.134521, lng: 113.358803, label: '广州' }]);
    assert.equal(loc.event.text, '广州');
    const bad = parsePush(
      fields(head('location', '<Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>6</MsgId>')),
      ctx,
    );
    assert.equal(bad.type, 'invalid');
    const link = parsePush(
      fields(
        head(
          'link',
          '<Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><Url><![CDATA[https://x]]></Url><MsgId>7</MsgId>',
        ),
      ),
      ctx,
    );
    assert.ok(link.type === 'message');
    assert.deepEqual(link.event.parts, [{ type: 'link', url: 'https://x', title: 'T', description: 'D' }]);
  });

  it('events: ids are FromUserName:CreateTime:Event; kinds and actions', () => {
    const ev = (e: string, key = '') => parsePush(fields(head('event', `<Event><![CDATA[${e}]]></Event>${key}`)), ctx);
    const sub = ev('subscribe', '<EventKey><![CDATA[qrscene_42]]></EventKey>');
    assert.ok(sub.type === 'event' && sub.event.kind === 'conversation.started');
    assert.equal(sub.event.id, 'oUser:1409735668:subscribe');
    const unsub = ev('unsubscribe');
    assert.ok(unsub.type === 'event' && unsub.event.kind === 'conversation.ended');
    for (const [e, action] of [
      ['SCAN', 'qr.scan'],
      ['CLICK', 'menu.click'],
      ['VIEW', 'menu.view'],
    ] as const) {
      const p = ev(e, '<EventKey><![CDATA[K]]></EventKey>');
      assert.ok(p.type === 'event' && p.event.kind === 'action');
      assert.equal(p.event.action, action);
      assert.equal(p.event.value, 'K');
    }
    assert.equal(ev('LOCATION').type, 'ignored');
    assert.equal(pushId(fields(head('event', '<Event><![CDATA[CLICK]]></Event>'))), 'oUser:1409735668:CLICK');
  });

  it('unknown message types are unsupported (answered politely); missing headers are invalid', () => {
    const p = parsePush(fields(head('miniprogrampage', '<MsgId>9</MsgId>')), ctx);
    assert.ok(p.type === 'unsupported' && p.id === '9');
    assert.equal(parsePush(fields('<xml><MsgType>text</MsgType></xml>'), ctx).type, 'invalid');
    assert.equal(parsePush(fields(head('text', '<MsgId>1</MsgId>', 'x' as unknown as number)), ctx).type, 'invalid');
  });
});

describe('wechat-official service window', () => {
  const t0 = 1_700_000_000_000;
  it('5 messages within 48 h of the user’s last message, reset by a new message', () => {
    let r = afterUserMessage(EMPTY_WINDOW_RECORD, t0);
    assert.deepEqual(serviceWindowOf(r, t0 + 1), {
      open: true,
      remaining: 5,
      expiresAt: t0 + MESSAGE_WINDOW_MS,
      lastUserMessageAt: t0,
    });
    for (let i = 0; i < 5; i++) r = consumeOne(r, t0 + 10)!;
    assert.equal(consumeOne(r, t0 + 10), undefined);
    assert.equal(serviceWindowOf(r, t0 + 10).open, false);
    r = afterUserMessage(r, t0 + 20);
    assert.equal(serviceWindowOf(r, t0 + 21).remaining, 5);
    assert.equal(serviceWindowOf(r, t0 + 20 + MESSAGE_WINDOW_MS).open, false, 'closed after 48 h');
  });

  it('a click/follow/scan opens 3 messages for one minute, used first', () => {
    const r = afterInteraction(EMPTY_WINDOW_RECORD, t0);
    assert.equal(serviceWindowOf(r, t0).remaining, 3);
    assert.equal(serviceWindowOf(r, t0 + 60_000).open, false);
    const both = consumeOne(afterUserMessage(r, t0), t0 + 1)!;
    assert.equal(both.usedSinceInteraction, 1);
    assert.equal(both.usedSinceMessage, 0);
  });
});

describe('wechat-official options', () => {
  const base = { token: 'spamtest', appId: 'wx1', appSecret: 's' };
  it('derives the mode from the key, applies the contract defaults', () => {
    const o = wechatOfficialOptionsSchema.parse(base);
    assert.equal(o.mode, 'plaintext');
    assert.equal(o.path, '/wechat');
    assert.equal(o.customerServiceApi, false);
    assert.equal(o.apiBaseUrl, 'https://api.weixin.qq.com');
    assert.equal(o.passiveReplyBudgetMs, 4500);
    assert.equal(o.handoffTarget, 'console');
    assert.equal(wechatOfficialOptionsSchema.parse({ ...base, encodingAESKey: DEMO.encodingAESKey }).mode, 'safe');
  });
  it('refuses safe mode without a key, plain http to a non-loopback API, and a bad key', () => {
    assert.ok(!wechatOfficialOptionsSchema.safeParse({ ...base, mode: 'safe' }).success);
    assert.ok(!wechatOfficialOptionsSchema.safeParse({ ...base, apiBaseUrl: 'http://api.weixin.qq.com' }).success);
    assert.ok(wechatOfficialOptionsSchema.safeParse({ ...base, apiBaseUrl: 'http://127.0.0.1:9/' }).success);
    assert.ok(!wechatOfficialOptionsSchema.safeParse({ ...base, encodingAESKey: 'short' }).success);
  });
});
