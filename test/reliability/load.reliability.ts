/**
 * Load: 1000 concurrent connections for 30 s against POST /api/v1/chat and against the WeChat endpoint (short
 * profile: 200 connections for 5 s), one gateway process (production mode, in-process stores). Zero errors: no
 * socket errors, no timeouts (30 s), every answer 2xx. p99 is reported (test-artifacts/reliability/load.json),
 * with the gateway's own latency histogram next to it (client p99 includes time a request waits unread in the
 * server's socket while the CPU is saturated).
 */
import assert from 'node:assert/strict';
import {
  FULL,
  KEY,
  load,
  msgId,
  report,
  spawnGateway,
  uid,
  WECHAT,
  freePort,
  wechatPush,
  type LoadSummary,
} from './support.js';

const CONNECTIONS = FULL ? 1000 : 200;
const DURATION = FULL ? 30 : 5;
const QUESTIONS = [
  '退货怎么办',
  'where is my order',
  '怎么付款',
  'what are your opening hours',
  'how much is the Claw Phone 15?',
];

describe('reliability: load', function () {
  this.timeout((DURATION * 2 + 180) * 1000);
  const results: (LoadSummary & { server?: Record<string, number> })[] = [];

  /** The gateway's own view: requests of a route by latency bucket (cumulative counts, seconds). */
  async function serverSide(route: string): Promise<Record<string, number>> {
    const text = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    const out: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const m =
        /^clawbot_http_request_duration_seconds_bucket\{le="([^"]+)",method="POST",route="([^"]+)",status="200"\} (\d+)/.exec(
          line,
        );
      if (m?.[2] === route && ['0.5', '1', '5', '30', '+Inf'].includes(m[1] ?? ''))
        out[`le_${m[1] ?? ''}`] = Number(m[3]);
    }
    return out;
  }
  let gw: Awaited<ReturnType<typeof spawnGateway>>;

  before(async () => {
    gw = await spawnGateway(
      {
        mode: 'production',
        gateway: { host: '127.0.0.1', port: await freePort() },
        auth: { apiKeys: [KEY] },
        log: { level: 'error' },
        channels: { wechat_official: WECHAT },
      },
      { timeoutMs: 120_000 },
    );
  });
  after(async () => {
    await report('load', { results });
    gw.kill('SIGTERM');
    await gw.exited;
  });

  it(`POST /api/v1/chat: ${CONNECTIONS} connections for ${DURATION} s, zero errors`, async () => {
    let n = 0;
    const summary = await load({
      url: gw.url,
      target: 'POST /api/v1/chat',
      connections: CONNECTIONS,
      durationSec: DURATION,
      request: () => ({
        path: '/api/v1/chat',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        // A new end user per request: real users do not send 20 messages a minute, so nobody is throttled.
        body: JSON.stringify({ query: QUESTIONS[n++ % QUESTIONS.length], user_id: `load-${uid()}` }),
      }),
    });
    results.push({ ...summary, server: await serverSide('/api/v1/chat') });
    assert.ok(summary.requests > 0);
    assert.deepEqual(
      { errors: summary.errors, timeouts: summary.timeouts, non2xx: summary.non2xx },
      { errors: 0, timeouts: 0, non2xx: 0 },
      JSON.stringify(summary),
    );
  });

  it(`WeChat push endpoint: ${CONNECTIONS} connections for ${DURATION} s, zero errors`, async () => {
    let n = 0;
    const summary = await load({
      url: gw.url,
      target: 'POST /wechat',
      connections: CONNECTIONS,
      durationSec: DURATION,
      request: () => {
        const push = wechatPush(`oLoad${uid()}`, msgId(), QUESTIONS[n++ % QUESTIONS.length] ?? '你好');
        return { ...push, headers: { 'content-type': 'text/xml' } };
      },
    });
    results.push({ ...summary, server: await serverSide('/wechat') });
    assert.ok(summary.requests > 0);
    assert.deepEqual(
      { errors: summary.errors, timeouts: summary.timeouts, non2xx: summary.non2xx },
      { errors: 0, timeouts: 0, non2xx: 0 },
      JSON.stringify(summary),
    );
  });
});
