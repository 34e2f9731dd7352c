import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chat, startGateway, type TestGateway } from '../../helpers/gateway.js';

const HAN = /\p{Script=Han}/u;

function assertChinese(reply: string): void {
  assert.match(reply, HAN, `expected a Chinese reply, got ${JSON.stringify(reply)}`);
}

function assertEnglish(reply: string): void {
  assert.doesNotMatch(reply, HAN, `expected an English reply, got ${JSON.stringify(reply)}`);
  assert.match(reply, /\b[A-Za-z]{3,}\b.*\b[A-Za-z]{3,}\b/, `expected English words in ${JSON.stringify(reply)}`);
}

describe('POST /api/v1/chat: the demo bot (HTTP)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  const questions: { query: string; intent: string; lang: 'zh' | 'en'; mentions: RegExp }[] = [
    { query: '退货怎么办', intent: 'returns', lang: 'zh', mentions: /退货/ },
    { query: '怎么付款', intent: 'payment', lang: 'zh', mentions: /支付/ },
    { query: '我的订单到哪了', intent: 'order_status', lang: 'zh', mentions: /订单/ },
    { query: 'where is my order', intent: 'order_status', lang: 'en', mentions: /order/i },
    { query: 'what are your opening hours', intent: 'hours', lang: 'en', mentions: /\d{1,2}:\d{2}/ },
    { query: 'how do I return an item', intent: 'returns', lang: 'en', mentions: /return/i },
  ];

  for (const q of questions) {
    it(`answers ${JSON.stringify(q.query)} with intent ${q.intent} in ${q.lang === 'zh' ? 'Chinese' : 'English'}`, async () => {
      const { status, contentType, body } = await chat(gw.url, gw.key, { query: q.query });
      assert.equal(status, 200);
      assert.match(contentType, /application\/json/);
      assert.equal(body.intent, q.intent);
      assert.equal(body.handoff, false);
      assert.ok(body.confidence >= 0.8 && body.confidence <= 1, `confidence ${body.confidence}`);
      assert.ok(body.sources.length > 0, 'sources must not be empty');
      assert.match(body.reply, q.mentions);
      if (q.lang === 'zh') assertChinese(body.reply);
      else assertEnglish(body.reply);
      assert.match(body.session_id, /^[0-9a-f-]{36}$/, 'a new session id is issued when none is sent');
    });
  }

  it('keeps the session id it was given', async () => {
    const id = `keep-${randomUUID()}`;
    const { body } = await chat(gw.url, gw.key, { query: 'where is my order', session_id: id, user_id: 'u-1' });
    assert.equal(body.session_id, id);
  });

  it('resolves an English follow-up against the previous turn of the session', async () => {
    const session_id = `en-${randomUUID()}`;
    const first = await chat(gw.url, gw.key, { query: 'how much is the Claw Phone 15?', session_id });
    assert.equal(first.status, 200);
    assert.match(first.body.reply, /Claw Phone 15.*¥\d+/);
    assertEnglish(first.body.reply);
    const followUp = await chat(gw.url, gw.key, { query: 'what about the black one?', session_id });
    assert.equal(followUp.status, 200);
    assert.equal(followUp.body.handoff, false);
    assert.match(followUp.body.reply, /Claw Phone 15 \(black\).*¥\d+/);
    assert.ok(
      followUp.body.sources.some((s) => /black/.test(s)),
      `sources ${followUp.body.sources.join(',')}`,
    );
  });

  it('resolves a Chinese follow-up against the previous turn of the session', async () => {
    const session_id = `zh-${randomUUID()}`;
    const first = await chat(gw.url, gw.key, { query: '爪机15多少钱', session_id });
    assert.equal(first.status, 200);
    assert.match(first.body.reply, /爪机15.*¥\d+/);
    const followUp = await chat(gw.url, gw.key, { query: '那黑色的呢？', session_id });
    assert.equal(followUp.status, 200);
    assert.equal(followUp.body.handoff, false);
    assert.match(followUp.body.reply, /爪机15 黑色.*¥\d+/);
    assert.ok(
      followUp.body.sources.some((s) => /black/.test(s)),
      `sources ${followUp.body.sources.join(',')}`,
    );
  });

  it('does not resolve a follow-up against another session', async () => {
    await chat(gw.url, gw.key, { query: 'how much is the Claw Phone 15?', session_id: `a-${randomUUID()}` });
    const other = await chat(gw.url, gw.key, { query: 'what about the black one?', session_id: `b-${randomUUID()}` });
    assert.equal(other.status, 200);
    assert.doesNotMatch(other.body.reply, /Claw Phone 15 \(black\)/);
  });

  describe('handoff surfaced in the response', () => {
    for (const query of ['what is the meaning of life', '今天天气怎么样']) {
      it(`hands an out-of-scope question to a person: ${JSON.stringify(query)}`, async () => {
        const { status, body } = await chat(gw.url, gw.key, { query });
        assert.equal(status, 200);
        assert.equal(body.handoff, true);
        assert.ok(body.confidence < 0.8, `confidence ${body.confidence} should be below the 0.8 threshold`);
        assert.ok(body.reply.length > 0, 'the customer is told a person will answer');
      });
    }

    // An explicit request for a person is a confidently understood intent (confidence may be 1), not a low-confidence miss.
    it('hands "转人工" to a person (intent human) and answers in Chinese', async () => {
      const { status, body } = await chat(gw.url, gw.key, { query: '转人工' });
      assert.equal(status, 200);
      assert.equal(body.handoff, true);
      assert.equal(body.intent, 'human');
      assertChinese(body.reply);
    });
  });
});
