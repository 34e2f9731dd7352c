/** Splitting by UTF-8 bytes, delivery plans and reply rendering (pure). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import type { OutboundMessage } from '../../../../core/envelope.js';
import {
  buildTransferCustomerServiceXml,
  combineWithPending,
  planDelivery,
  renderPassiveXml,
  toCustomerServiceBody,
  toWechatMessages,
} from '../../../../channels/wechat-official/outbound.js';
import { splitUtf8, truncateWithNote, utf8Length } from '../../../../channels/wechat-official/split.js';

const parser = new XMLParser({ parseTagValue: false });
const xmlOf = (s: string) => (parser.parse(s) as { xml: Record<string, unknown> }).xml;

const out = (text: string, suggestions?: string[]): OutboundMessage => ({
  conversation: { channel: 'wechat_official', tenant: 'wx1', conversation: 'o1' },
  parts: [{ type: 'text', text }],
  author: { kind: 'bot' },
  ...(suggestions ? { suggestions } : {}),
});

describe('wechat-official splitting', () => {
  it('prefers paragraph, then sentence boundaries, within the byte limit', () => {
    const para = '第一段内容。'.repeat(50); // 900 bytes
    const pieces = splitUtf8(`${para}\n\n${para}\n\n${para}`, 2000);
    assert.deepEqual(pieces, [`${para}\n\n${para}`, para]);
    const sentences = splitUtf8('这是第一句话。这是第二句话。这是第三句话。', 45);
    assert.deepEqual(sentences, ['这是第一句话。这是第二句话。', '这是第三句话。']);
    assert.deepEqual(splitUtf8('', 2000), []);
  });

  it('never exceeds the limit, never cuts a character, and loses nothing but boundary whitespace (property)', () => {
    const units = fc.constantFrom('a', ' ', '中', '。', '\n', '😀', '👩‍👩‍👧', 'é', '\n\n', 'word ', '，');
    fc.assert(
      fc.property(fc.array(units, { maxLength: 400 }), fc.integer({ min: 30, max: 200 }), (chunks, max) => {
        const text = chunks.join('');
        const pieces = splitUtf8(text, max);
        for (const p of pieces) {
          assert.ok(utf8Length(p) <= max, `piece of ${utf8Length(p)} bytes > ${max}`);
          assert.ok(!/[\uD800-\uDBFF]$/.test(p) && !/^[\uDC00-\uDFFF]/.test(p), 'cut inside a surrogate pair');
          assert.ok(!p.startsWith('\u200D') && !p.endsWith('\u200D'), 'cut inside an emoji ZWJ sequence');
        }
        assert.equal(pieces.join('').replace(/\s/g, ''), text.replace(/\s/g, ''));
      }),
      { numRuns: 300 },
    );
  });

  it('truncates with a note that fits', () => {
    const long = '很长的回答。'.repeat(200);
    const t = truncateWithNote(long, 2000, '……（已截断）');
    assert.ok(utf8Length(t) <= 2000);
    assert.ok(t.endsWith('……（已截断）'));
    assert.equal(truncateWithNote('short', 2000, 'x'), 'short');
  });
});

describe('wechat-official delivery plan', () => {
  const long = '答案内容。'.repeat(300); // 4500 bytes

  it('with the customer-service API: first piece passive, the rest through the API', () => {
    const plan = planDelivery([{ type: 'text', content: long }], {
      customerServiceApi: true,
      maxBytes: 2000,
      truncatedNote: '!',
    });
    assert.equal(plan.passive?.type, 'text');
    assert.equal(plan.rest.length, 2);
    const all = [plan.passive, ...plan.rest].map((m) => (m?.type === 'text' ? m.content : '')).join('');
    assert.equal(all, long);
  });

  it('without it: one passive message, cut with a note; extra media counted as dropped', () => {
    const plan = planDelivery(
      [
        { type: 'image', mediaId: 'm' },
        { type: 'text', content: long },
      ],
      { customerServiceApi: false, maxBytes: 2000, truncatedNote: '（已截断）' },
    );
    assert.ok(plan.passive?.type === 'text' && plan.passive.content.endsWith('（已截断）'));
    assert.ok(utf8Length(plan.passive.content) <= 2000);
    assert.equal(plan.dropped, 1);
    assert.deepEqual(
      planDelivery([], { customerServiceApi: false, maxBytes: 2000, truncatedNote: '' }).passive,
      undefined,
    );
  });

  it('merges a turn’s replies and suggestions into one text; media stay separate', () => {
    const msgs = toWechatMessages([
      out('第一条'),
      out('第二条', ['退货', '人工']),
      {
        ...out(''),
        parts: [
          { type: 'image', mediaId: 'IMG' },
          { type: 'link', url: 'https://x', title: 'X' },
        ],
      },
    ]);
    assert.deepEqual(msgs, [
      { type: 'text', content: '第一条\n\n第二条\n\n· 退货\n· 人工' },
      { type: 'image', mediaId: 'IMG' },
      { type: 'text', content: 'X\nhttps://x' },
    ]);
  });

  it('puts pending answers first, each block with its notice', () => {
    const combined = combineWithPending(['旧答案'], [{ type: 'text', content: '新答案' }], {
      pending: '[之前]',
      current: '[现在]',
    });
    assert.deepEqual(combined, [{ type: 'text', content: '[之前]\n旧答案\n\n[现在]\n新答案' }]);
    assert.deepEqual(combineWithPending([], [{ type: 'text', content: 'x' }], { pending: 'p', current: 'c' }), [
      { type: 'text', content: 'x' },
    ]);
  });
});

describe('wechat-official reply XML', () => {
  const to = { openid: 'oUser', account: 'gh_1', createTime: 1409735669 };

  it('passive text reply swaps the ids and uses seconds', () => {
    const x = xmlOf(renderPassiveXml(to, { type: 'text', content: '你好 <b>&' }));
    assert.deepEqual(x, {
      ToUserName: 'oUser',
      FromUserName: 'gh_1',
      CreateTime: '1409735669',
      MsgType: 'text',
      Content: '你好 <b>&',
    });
    const img = xmlOf(renderPassiveXml(to, { type: 'image', mediaId: 'M' }));
    assert.deepEqual(img.Image, { MediaId: 'M' });
  });

  it('transfer_customer_service, with and without KfAccount', () => {
    const plain = xmlOf(buildTransferCustomerServiceXml(to));
    assert.equal(plain.MsgType, 'transfer_customer_service');
    assert.equal(plain.TransInfo, undefined);
    const kf = xmlOf(buildTransferCustomerServiceXml(to, 'kf2001@gh_1'));
    assert.deepEqual(kf.TransInfo, { KfAccount: 'kf2001@gh_1' });
  });

  it('customer-service API bodies have the documented shape', () => {
    assert.deepEqual(toCustomerServiceBody('o1', { type: 'text', content: 'hello' }), {
      touser: 'o1',
      msgtype: 'text',
      text: { content: 'hello' },
    });
    assert.deepEqual(toCustomerServiceBody('o1', { type: 'image', mediaId: 'M' }, 'kf@gh'), {
      touser: 'o1',
      msgtype: 'image',
      image: { media_id: 'M' },
      customservice: { kf_account: 'kf@gh' },
    });
  });
});
