/**
 * Bad input: property-based fuzzing (fast-check) of the XML, JSON and signature parsers and of the REST API and the
 * WeChat endpoint. Parsers never throw; HTTP answers are 2xx or 4xx, never a 5xx, and the gateway keeps serving.
 * At least 10 000 cases in the full profile (1/10 in the short one); counts are reported.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { checkSlackSignature, slackSignature } from '../../channels/slack/signature.js';
import { verifyCallbackSignature } from '../../channels/dingtalk/signature.js';
import { computeSignature, verifyMsgSignature, verifySignature } from '../../channels/wechat-official/signature.js';
import { matchSafeEnvelope, parseWechatXml } from '../../channels/wechat-official/xml.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { FULL, report, WECHAT, wechatPush } from './support.js';

const scale = (n: number): number => (FULL ? n : Math.ceil(n / 10));
const counts: Record<string, number> = {};
const run = <T>(name: string, runs: number, arb: fc.Arbitrary<T>, check: (value: T) => void | Promise<void>) => {
  counts[name] = runs;
  return fc.assert(
    fc.asyncProperty(arb, async (value) => {
      await check(value);
    }),
    { numRuns: runs },
  );
};

/** XML-ish text: well-formed WeChat pushes with odd values, broken tags, entities, DOCTYPEs, deep nesting. */
const xmlish = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'ToUserName',
          'FromUserName',
          'CreateTime',
          'MsgType',
          'Content',
          'MsgId',
          'Event',
          'Encrypt',
          'x',
        ),
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.boolean(),
      ),
      { maxLength: 8 },
    )
    .map(
      (fields) =>
        `<xml>${fields.map(([k, v, cdata]) => `<${k}>${cdata ? `<![CDATA[${v}]]>` : v}</${k}>`).join('')}</xml>`,
    ),
  fc.constantFrom(
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>',
    '<xml><Content><![CDATA[unterminated</Content></xml>',
    `<xml>${'<a>'.repeat(500)}${'</a>'.repeat(500)}</xml>`,
    '<xml><Encrypt><![CDATA[]]></Encrypt></xml>',
    '<xml><MsgId>99999999999999999999999999</MsgId></xml>',
  ),
);

describe('reliability: bad input (property-based)', function () {
  this.timeout(FULL ? 600_000 : 120_000);
  let gw: TestGateway;
  let agent: Agent;
  before(async () => {
    gw = await startGateway({ channels: { wechat_official: WECHAT } });
    agent = new Agent({ keepAlive: true, maxSockets: 8 });
  });
  after(async () => {
    agent.destroy();
    await gw.close();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    await report('fuzz', { cases: counts, total });
  });

  /** Sends raw bytes; resolves with the status (and checks the gateway is still up afterwards in the tests). */
  const send = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Buffer | string,
  ): Promise<number> =>
    new Promise((resolve, reject) => {
      const { port } = new URL(gw.url);
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('WeChat XML parsers never throw', async () => {
    await run('xml', scale(3000), xmlish, (xml) => {
      const parsed = parseWechatXml(xml);
      assert.equal(typeof parsed.ok, 'boolean');
      const env = matchSafeEnvelope(xml);
      assert.ok(env === undefined || typeof env === 'string');
    });
  });

  it('signature checks (WeChat, Slack, DingTalk) never throw and accept only the right signature', async () => {
    const text = fc.string({ maxLength: 80 });
    const maybe = fc.option(text, { nil: undefined });
    await run(
      'signatures',
      scale(3000),
      fc.tuple(maybe, maybe, maybe, text, fc.integer()),
      ([sig, ts, nonce, body, now]) => {
        const wx = verifySignature({ signature: sig, timestamp: ts, nonce }, WECHAT.token, now, 300);
        if (wx.ok) assert.equal(sig, computeSignature(WECHAT.token, ts ?? '', nonce ?? ''));
        const msg = verifyMsgSignature(sig, WECHAT.token, ts ?? '', nonce ?? '', body);
        assert.equal(typeof msg.ok, 'boolean');
        const slack = checkSlackSignature({
          signingSecret: 'slack-signing-secret',
          timestamp: ts,
          signature: sig,
          rawBody: Buffer.from(body),
          nowMs: now,
          maxAgeMs: 300_000,
        });
        if (slack.ok) assert.equal(sig, slackSignature('slack-signing-secret', ts ?? '', body));
        const ding = verifyCallbackSignature({
          timestamp: ts,
          sign: sig,
          appSecret: 'ding-secret',
          now,
          maxAgeMs: 3_600_000,
        });
        assert.equal(typeof ding.ok, 'boolean');
      },
    );
  });

  it('POST /api/v1/chat with arbitrary JSON, bytes and content types: only 2xx/4xx', async () => {
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            query: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.jsonValue()),
            session_id: fc.oneof(fc.string({ maxLength: 220 }), fc.jsonValue()),
            user_id: fc.oneof(fc.string({ maxLength: 220 }), fc.jsonValue()),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.string({ maxLength: 200 }),
    );
    const type = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/vnd+json',
      '',
    );
    await run('rest', scale(2500), fc.tuple(body, type), async ([b, t]) => {
      const headers: Record<string, string> = { authorization: `Bearer ${gw.key}` };
      if (t !== '') headers['content-type'] = t;
      const status = await send('POST', '/api/v1/chat', headers, b);
      assert.ok(status >= 200 && status < 500, `status ${status} for ${t} ${JSON.stringify(b).slice(0, 200)}`);
    });
  });

  it('the REST API with arbitrary paths, methods and credentials: only 2xx/4xx', async () => {
    const seg = fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s));
    await run(
      'routes',
      scale(1000),
      fc.tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(
          '/api/v1/sessions/',
          '/api/v1/pair/',
          '/api/v1/agent/tickets/',
          '/api/v1/admin/deadletters/',
          '/metrics/',
          '/api/v1/oauth/',
          '/',
        ),
        seg,
        fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
      ),
      async ([method, base, s, auth]) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (auth !== undefined) headers['authorization'] = `Bearer ${auth.replace(/[^\x20-\x7e]/g, '')}`;
        const status = await send(method, `${base}${s}`, headers, method === 'GET' ? '' : '{}');
        assert.ok(status >= 200 && status < 500, `status ${status} for ${method} ${base}${s}`);
      },
    );
  });

  it('the WeChat endpoint with arbitrary signed and unsigned pushes: only 2xx/4xx', async () => {
    await run(
      'wechat',
      scale(1500),
      fc.tuple(xmlish, fc.boolean(), fc.string({ maxLength: 40 })),
      async ([xml, signed, junk]) => {
        const path = signed
          ? wechatPush('oFuzz', '1', 'x').path
          : `/wechat?signature=${encodeURIComponent(junk)}&timestamp=1&nonce=2`;
        const status = await send('POST', path, { 'content-type': 'text/xml' }, xml);
        assert.ok(status >= 200 && status < 500, `status ${status} for ${xml.slice(0, 200)}`);
      },
    );
  });

  it('still serves real traffic afterwards', async () => {
    const status = await send(
      'POST',
      '/api/v1/chat',
      { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      JSON.stringify({ query: '退货怎么办' }),
    );
    assert.equal(status, 200);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (FULL) assert.ok(total >= 10_000, `only ${total} cases`);
  });
});
