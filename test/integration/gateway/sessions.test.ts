import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '../../../core/envelope.js';
import { chat, getJson, getSession, startGateway, type ApiError, type TestGateway } from '../../helpers/gateway.js';

const SEVEN = [
  '退货怎么办',
  'where is my order',
  '怎么付款',
  'what are your opening hours',
  'how much is the Claw Phone 15?',
  'what about the black one?',
  '爪机15多少钱',
];

describe('GET /api/v1/sessions/:id (HTTP)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it('after 7 messages returns exactly the last 5 turns, oldest first, each with user, replies and at', async () => {
    const sessionId = `seven-${randomUUID()}`;
    const replies: string[] = [];
    for (const query of SEVEN) {
      const { status, body } = await chat(gw.url, gw.key, { query, session_id: sessionId });
      assert.equal(status, 200);
      replies.push(body.reply);
    }
    const { status, body } = await getSession(gw.url, gw.key, sessionId);
    assert.equal(status, 200);
    assert.equal(body.session_id, sessionId);
    assert.deepEqual(
      body.turns.map((t) => t.user),
      SEVEN.slice(2),
    );
    body.turns.forEach((turn, i) => {
      assert.deepEqual(Object.keys(turn).sort(), ['at', 'replies', 'user']);
      assert.equal(turn.replies.length, 1);
      assert.equal(turn.replies[0]?.author, 'bot');
      assert.equal(turn.replies[0]?.text, replies[i + 2]);
      assert.ok(!Number.isNaN(Date.parse(turn.at)), `at ${turn.at} is an ISO time`);
      assert.equal(new Date(turn.at).toISOString(), turn.at);
      assert.ok(Date.parse(turn.replies[0]?.at ?? '') >= Date.parse(turn.at), 'a reply is not older than its turn');
    });
    const times = body.turns.map((t) => Date.parse(t.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'oldest first',
    );
  });

  it('keeps sessions apart', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await chat(gw.url, gw.key, { query: '退货怎么办', session_id: a });
    await chat(gw.url, gw.key, { query: 'where is my order', session_id: b });
    await chat(gw.url, gw.key, { query: '怎么付款', session_id: a });
    assert.deepEqual(
      (await getSession(gw.url, gw.key, a)).body.turns.map((t) => t.user),
      ['退货怎么办', '怎么付款'],
    );
    assert.deepEqual(
      (await getSession(gw.url, gw.key, b)).body.turns.map((t) => t.user),
      ['where is my order'],
    );
  });

  it('answers 404 JSON not_found for an unknown session', async () => {
    const { status, contentType, body } = await getJson<ApiError>(
      gw.url,
      `/api/v1/sessions/never-seen-${randomUUID()}`,
      gw.key,
    );
    assert.equal(status, 404);
    assert.match(contentType, /application\/json/);
    assert.equal(body.error.code, 'not_found');
    assert.ok(body.error.message.length > 0);
  });

  it('answers 400 JSON for a session id with characters outside the allowed set', async () => {
    const { status, body } = await getJson<ApiError>(gw.url, `/api/v1/sessions/${encodeURIComponent('a b$c')}`, gw.key);
    assert.equal(status, 400);
    assert.equal(body.error.code, 'request.invalid');
  });

  it('looks channel-style ids (wechat_official:wx...:openid) up as full conversation keys', async () => {
    const appId = `wx${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const openId = `o${randomUUID().replaceAll('-', '')}`;
    const fullKey = `wechat_official:${appId}:${openId}`;
    // A turn of a WeChat conversation, dispatched through the gateway's own pipeline as the channel would.
    const message: InboundMessage = {
      kind: 'message',
      id: randomUUID(),
      receivedAt: Date.now(),
      conversation: { channel: 'wechat_official', tenant: appId, conversation: openId },
      sender: { id: openId },
      parts: [{ type: 'text', text: '退货怎么办' }],
      text: '退货怎么办',
      mentionsBot: true,
      raw: {},
    };
    const outcome = await gw.gateway.dispatch(message);
    assert.ok(outcome.replies.length > 0);

    for (const id of [fullKey, encodeURIComponent(fullKey)]) {
      const { status, body } = await getJson<{ session_id: string; turns: { user: string }[] }>(
        gw.url,
        `/api/v1/sessions/${id}`,
        gw.key,
      );
      assert.equal(status, 200, `GET /api/v1/sessions/${id}`);
      assert.equal(body.session_id, fullKey);
      assert.deepEqual(
        body.turns.map((t) => t.user),
        ['退货怎么办'],
      );
    }
    // The same openid as a plain REST session id is another conversation.
    assert.equal((await getSession(gw.url, gw.key, openId)).status, 404);
  });

  it('refuses a chat session_id that addresses another channel', async () => {
    const { status, body } = await chat<ApiError>(gw.url, gw.key, {
      query: 'hi',
      session_id: 'wechat_official:wx123:o-someone',
    });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'request.invalid');
  });
});
