import assert from 'node:assert/strict';
import { ManualClock } from '../../../../core/clock.js';
import type { WebhookResponse } from '../../../../core/ports/channel.js';
import { createDingTalkChannel, type DingTalkChannel } from '../../../../channels/dingtalk/index.js';
import type { DingTalkOptionsInput } from '../../../../channels/dingtalk/options.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../../memory/index.js';
import { faultyKeyValue, type FaultyKeyValue } from '../../../helpers/faulty-kv.js';
import { captureLogger, createTestHost, FakeDingTalk, fixture, signedRequest } from './helpers.js';

const SECRET = 'test-app-secret-0123456789abcdef';
const NOW = 1_774_080_995_000; // just after the text fixture's createAt
const SESSION = 'abc123session';

interface Rig {
  fake: FakeDingTalk;
  clock: ManualClock;
  kv: FaultyKeyValue;
  channel: DingTalkChannel;
  host: ReturnType<typeof createTestHost>;
  log: ReturnType<typeof captureLogger>;
  post(body: unknown, opts?: { timestamp?: number; sign?: string }): Promise<WebhookResponse>;
  payload(overrides?: Record<string, unknown>, name?: string): Record<string, unknown>;
}

const rigs: Rig[] = [];

async function setup(overrides: Partial<DingTalkOptionsInput> = {}): Promise<Rig> {
  const fake = await new FakeDingTalk().start();
  const clock = new ManualClock(NOW);
  // The real in-process store, wrapped so one test can take the state store down (kv.failing).
  const kv = faultyKeyValue(createInProcessKeyValue({ clock }));
  const locks = createInProcessLocks({ clock });
  const log = captureLogger();
  const channel = createDingTalkChannel(
    {
      appKey: 'dingappkey0000001',
      appSecret: SECRET,
      robotCode: 'dingrobotcode0000001',
      robotName: '客服机器人',
      apiBaseUrl: fake.base,
      allowedHosts: [`127.0.0.1:${fake.port}`],
      ...overrides,
    },
    { kv, locks, clock, log },
  );
  const host = createTestHost(channel, { kv, locks, clock, log });
  await channel.start(host);
  const rig: Rig = {
    fake,
    clock,
    kv,
    channel,
    host,
    log,
    post: (body, opts = {}) =>
      channel.webhook!.handle(
        signedRequest(body, {
          appSecret: SECRET,
          timestamp: opts.timestamp ?? clock.now(),
          ...(opts.sign === undefined ? {} : { sign: opts.sign }),
        }),
      ),
    payload: (extra = {}, name = 'cb_msg_text.json') => ({
      ...fixture(name),
      sessionWebhook: `${fake.base}/robot/sendBySession?session=${SESSION}`,
      sessionWebhookExpiredTime: NOW + 90 * 60_000,
      ...extra,
    }),
  };
  rigs.push(rig);
  return rig;
}

function errorCode(res: WebhookResponse): string {
  return (JSON.parse(String(res.body)) as { error: { code: string } }).error.code;
}

describe('dingtalk HTTP callback', () => {
  afterEach(async () => {
    for (const rig of rigs.splice(0)) {
      await rig.channel.stop();
      await rig.fake.stop();
    }
  });

  it('answers a correctly signed real text callback through the allow-listed sessionWebhook', async () => {
    const rig = await setup();
    const res = await rig.post(rig.payload());
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['x-clawbot-status'], 'accepted');
    const reply = await rig.fake.waitFor('/robot/sendBySession');
    assert.equal(reply.method, 'POST');
    assert.equal(reply.url, `/robot/sendBySession?session=${SESSION}`);
    assert.deepEqual(reply.body, { msgtype: 'text', text: { content: 'echo: hello' } });
    await rig.channel.drain();
    assert.equal(rig.host.outcomes[0]?.status, 'handled');
    assert.equal(rig.host.seen[0]?.conversation.tenant, 'dingrobotcode0000001');
  });

  it('refuses a wrong sign, missing headers, a 2-hour-old and a future timestamp with 401', async () => {
    const rig = await setup({ signatureMaxAgeMs: 3_600_000 });
    const wrong = await rig.post(rig.payload(), { sign: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    assert.equal(wrong.status, 401);
    assert.equal(errorCode(wrong), 'channel.signature_invalid');
    const stale = await rig.post(rig.payload(), { timestamp: NOW - 2 * 3_600_000 });
    assert.equal(stale.status, 401);
    assert.equal(errorCode(stale), 'channel.timestamp_stale');
    const future = await rig.post(rig.payload(), { timestamp: NOW + 2 * 3_600_000 });
    assert.equal(future.status, 401);
    assert.equal(errorCode(future), 'channel.timestamp_stale');
    const { sign: _s, ...noSign } = signedRequest(rig.payload(), { appSecret: SECRET, timestamp: NOW }).headers;
    const missing = await rig.channel.webhook!.handle({
      ...signedRequest(rig.payload(), { appSecret: SECRET, timestamp: NOW }),
      headers: noSign,
    });
    assert.equal(missing.status, 401);
    assert.deepEqual(JSON.parse(String(missing.body)), {
      error: { code: 'channel.signature_invalid', message: 'bad or missing timestamp/sign headers' },
    });
    await rig.channel.drain();
    assert.equal(rig.host.seen.length, 0);
    assert.equal(rig.fake.requests.length, 0);
  });

  it('uses the configured window: 5 minutes by default, future-dated too', async () => {
    const rig = await setup();
    assert.equal((await rig.post(rig.payload(), { timestamp: NOW - 301_000 })).status, 401);
    assert.equal((await rig.post(rig.payload(), { timestamp: NOW + 301_000 })).status, 401);
    assert.equal((await rig.post(rig.payload(), { timestamp: NOW - 299_000 })).status, 200);
  });

  it('refuses a replayed (timestamp, sign) with any other body (401 channel.replayed)', async () => {
    const rig = await setup();
    assert.equal((await rig.post(rig.payload())).status, 200);
    const other = rig.payload({ msgId: 'msgForged', text: { content: 'transfer money' } });
    const replay = await rig.post(other);
    assert.equal(replay.status, 401);
    assert.equal(errorCode(replay), 'channel.replayed');
    const garbage = await rig.channel.webhook!.handle(signedRequest('{nope', { appSecret: SECRET, timestamp: NOW }));
    assert.equal(garbage.status, 401, 'the pair is refused before the body is even parsed');
    rig.clock.advance(1);
    assert.equal((await rig.post(other)).status, 200, 'a fresh timestamp (new sign) is accepted');
    await rig.channel.drain();
    assert.deepEqual(
      rig.host.seen.map((m) => m.id),
      ['msgTextScrubbed0000000001==', 'msgForged'],
    );
  });

  it('answers malformed JSON and invalid payloads with 400, oversized bodies with 413, GET with 405', async () => {
    const rig = await setup({ bodyLimit: 2048 });
    const bad = await rig.channel.webhook!.handle(signedRequest('{"msgId":', { appSecret: SECRET, timestamp: NOW }));
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'channel.payload_invalid');
    rig.clock.advance(1);
    const invalid = await rig.post({ msgtype: 'text', text: { content: 'no ids' } });
    assert.equal(invalid.status, 400);
    rig.clock.advance(1);
    const big = await rig.post(rig.payload({ text: { content: 'x'.repeat(4096) } }));
    assert.equal(big.status, 413);
    assert.equal(errorCode(big), 'request.too_large');
    const get = await rig.channel.webhook!.handle({
      ...signedRequest('', { appSecret: SECRET, timestamp: NOW }),
      method: 'GET',
    });
    assert.equal(get.status, 405);
    assert.equal(rig.channel.webhook!.bodyLimit, 2048);
    await rig.channel.drain();
    assert.equal(rig.host.seen.length, 0);
  });

  it('ignores group messages that do not @mention the robot (200, no turn, no reply)', async () => {
    const rig = await setup();
    const res = await rig.post(rig.payload({ isInAtList: false, atUsers: [] }, 'doc_group_text.json'));
    assert.equal(res.status, 200);
    assert.equal(res.headers?.['x-clawbot-status'], 'ignored');
    await rig.channel.drain();
    assert.equal(rig.host.seen.length, 0);
    assert.equal(rig.fake.requests.length, 0);
  });

  it('answers a group @mention with the mention stripped, @-ing the sender', async () => {
    const rig = await setup();
    const res = await rig.post(rig.payload({ text: { content: '@客服机器人 退货怎么办' } }, 'doc_group_text.json'));
    assert.equal(res.status, 200);
    const reply = await rig.fake.waitFor('/robot/sendBySession');
    assert.equal(rig.host.seen[0]?.text, '退货怎么办');
    assert.equal(rig.host.seen[0]?.mentionsBot, true);
    assert.deepEqual(reply.body, {
      msgtype: 'text',
      text: { content: 'echo: 退货怎么办' },
      at: { atUserIds: ['user123'], isAtAll: false },
    });
  });

  it('redelivery of a msgId (re-signed, sequential and concurrent) produces one reply', async () => {
    const rig = await setup();
    const payload = rig.payload();
    assert.equal((await rig.post(payload)).status, 200);
    await rig.fake.waitFor('/robot/sendBySession');
    rig.clock.advance(16_000);
    const again = await rig.post(payload);
    assert.equal(again.status, 200);
    assert.equal(again.headers?.['x-clawbot-status'], 'redelivery');
    rig.clock.advance(1);
    const p2 = rig.payload({ msgId: 'msgConcurrent' });
    const [a, b] = await Promise.all([
      rig.post(p2, { timestamp: rig.clock.now() }),
      rig.post(p2, { timestamp: rig.clock.now() + 1 }),
    ]);
    assert.deepEqual([a.status, b.status], [200, 200]);
    await rig.channel.drain();
    assert.equal(rig.fake.to('/robot/sendBySession').length, 2, 'one reply per msgId');
    assert.deepEqual(rig.host.outcomes.map((o) => o.status).sort(), ['duplicate', 'duplicate', 'handled', 'handled']);
  });

  it('falls back to the OpenAPI after sessionWebhookExpiredTime (token fetched once, then cached)', async () => {
    const rig = await setup();
    const expired = { sessionWebhookExpiredTime: NOW - 1 };
    assert.equal((await rig.post(rig.payload(expired))).status, 200);
    const send = await rig.fake.waitFor('/v1.0/robot/oToMessages/batchSend');
    const token = rig.fake.to('/v1.0/oauth2/accessToken')[0]!;
    assert.deepEqual(token.body, { appKey: 'dingappkey0000001', appSecret: SECRET });
    assert.equal(send.headers['x-acs-dingtalk-access-token'], 'token-1');
    assert.deepEqual(send.body, {
      robotCode: 'dingrobotcode0000001',
      userIds: ['000000000000000001'],
      msgKey: 'sampleText',
      msgParam: JSON.stringify({ content: 'echo: hello' }),
    });
    rig.clock.advance(1);
    await rig.post(rig.payload({ ...expired, msgId: 'msgSecond' }, 'doc_group_text.json'));
    const group = await rig.fake.waitFor('/v1.0/robot/groupMessages/send');
    assert.equal(group.headers['x-acs-dingtalk-access-token'], 'token-1');
    assert.deepEqual(group.body, {
      robotCode: 'dingrobotcode0000001',
      openConversationId: 'cidGroupScrubbed0000000000000000000000000000=',
      msgKey: 'sampleText',
      msgParam: JSON.stringify({ content: 'echo: 你好' }),
    });
    assert.equal(rig.fake.tokensIssued, 1);
    assert.equal(rig.fake.to('/robot/sendBySession').length, 0);
  });

  it('falls back to the OpenAPI when the sessionWebhook refuses with an errcode', async () => {
    const rig = await setup();
    rig.fake.respond = (req) =>
      req.path === '/robot/sendBySession'
        ? { status: 200, body: { errcode: 300001, errmsg: 'session expired' } }
        : undefined;
    await rig.post(rig.payload());
    await rig.fake.waitFor('/v1.0/robot/oToMessages/batchSend');
    await rig.channel.drain();
    assert.equal(rig.fake.to('/robot/sendBySession').length, 1);
    assert.equal(rig.host.outcomes[0]?.status, 'handled');
  });

  it('never contacts a sessionWebhook host outside allowedHosts (channel.host_not_allowed, logged)', async () => {
    const rig = await setup();
    const outsider = await new FakeDingTalk().start(); // loopback, but another port: not allow-listed
    try {
      const payload = rig.payload({ sessionWebhook: `${outsider.base}/robot/sendBySession?session=${SESSION}` });
      assert.equal((await rig.post(payload)).status, 200);
      rig.clock.advance(1);
      await rig.post(rig.payload({ msgId: 'msgEvil', sessionWebhook: 'https://evil.example/robot?session=x' }));
      await rig.channel.drain();
      assert.equal(outsider.requests.length, 0);
      assert.equal(rig.fake.requests.length, 0);
      assert.deepEqual(
        rig.host.outcomes.map((o) => o.status),
        ['failed', 'failed'],
      );
      const refusals = rig.log.lines.filter((l) => l.includes('outside channels.dingtalk.allowedHosts'));
      assert.ok(refusals.length >= 2);
      assert.ok(refusals.some((l) => l.includes('evil.example')));
      assert.ok(rig.log.lines.some((l) => l.includes('channel.host_not_allowed')));
    } finally {
      await outsider.stop();
    }
  });

  it('routes agent and proactive messages through the OpenAPI using the stored route', async () => {
    const rig = await setup();
    await rig.post(rig.payload());
    await rig.fake.waitFor('/robot/sendBySession');
    await rig.channel.drain();
    const conversation = rig.host.seen[0]!.conversation;
    const receipt = await rig.channel.send({
      conversation,
      parts: [{ type: 'markdown', markdown: '**客服** 您好', title: '客服回复' }],
      author: { kind: 'agent', agentId: 'agent-7' },
    });
    assert.equal(receipt.via, 'openapi');
    const send = rig.fake.to('/v1.0/robot/oToMessages/batchSend')[0]!;
    assert.deepEqual(send.body, {
      robotCode: 'dingrobotcode0000001',
      userIds: ['000000000000000001'],
      msgKey: 'sampleMarkdown',
      msgParam: JSON.stringify({ title: '客服回复', text: '**客服** 您好' }),
    });
    await assert.rejects(
      rig.channel.send({
        conversation: { ...conversation, conversation: 'cidUnknown' },
        parts: [{ type: 'text', text: 'hi' }],
        author: { kind: 'system' },
      }),
      { code: 'channel.window_closed' },
    );
  });

  it('does not acknowledge (503) when the state store is down, and lets the retry through', async () => {
    const rig = await setup();
    rig.kv.failing = true;
    const res = await rig.post(rig.payload());
    assert.equal(res.status, 503);
    assert.equal(errorCode(res), 'kv.unavailable');
    rig.kv.failing = false;
    assert.equal((await rig.post(rig.payload())).status, 200);
    await rig.fake.waitFor('/robot/sendBySession');
  });

  it('answers 503 before start()', async () => {
    const fake = await new FakeDingTalk().start();
    const clock = new ManualClock(NOW);
    try {
      const channel = createDingTalkChannel(
        { appKey: 'k', appSecret: SECRET, allowedHosts: [`127.0.0.1:${fake.port}`], apiBaseUrl: fake.base },
        { kv: createInProcessKeyValue({ clock }), locks: createInProcessLocks({ clock }), clock, log: captureLogger() },
      );
      const res = await channel.webhook!.handle(
        signedRequest(fixture('cb_msg_text.json'), { appSecret: SECRET, timestamp: NOW }),
      );
      assert.equal(res.status, 503);
    } finally {
      await fake.stop();
    }
  });

  it('refuses options whose apiBaseUrl is not allow-listed', () => {
    const clock = new ManualClock(NOW);
    assert.throws(
      () =>
        createDingTalkChannel(
          { appKey: 'k', appSecret: 's', apiBaseUrl: 'https://api.evil.example' },
          {
            kv: createInProcessKeyValue({ clock }),
            locks: createInProcessLocks({ clock }),
            clock,
            log: captureLogger(),
          },
        ),
      { code: 'config.invalid', message: /apiBaseUrl/ },
    );
    assert.throws(
      () =>
        createDingTalkChannel(
          { appKey: '', appSecret: 's' },
          {
            kv: createInProcessKeyValue({ clock }),
            locks: createInProcessLocks({ clock }),
            clock,
            log: captureLogger(),
          },
        ),
      { code: 'config.invalid', message: /appKey/ },
    );
  });

  it('logs no secret: appSecret, signs, tokens and session tokens never appear', async () => {
    const rig = await setup();
    await rig.post(rig.payload(), { sign: 'wrong-sign-value-xyz' });
    await rig.post(rig.payload({ sessionWebhookExpiredTime: NOW - 1 }));
    await rig.fake.waitFor('/v1.0/robot/oToMessages/batchSend');
    await rig.post(rig.payload()); // replay
    await rig.channel.webhook!.handle(signedRequest('{bad', { appSecret: SECRET, timestamp: NOW + 5 }));
    await rig.channel.drain();
    const all = rig.log.lines.join('\n');
    assert.ok(rig.log.lines.length > 0);
    for (const secret of [SECRET, 'wrong-sign-value-xyz', 'token-1', SESSION]) {
      assert.equal(all.includes(secret), false, `log contains ${secret}`);
    }
  });
});
