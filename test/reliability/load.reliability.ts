/**
 * Load: 1000 concurrent connections for 30 s against POST /api/v1/chat and against the WeChat endpoint (short
 * profile: 200 connections for 5 s), one gateway process (production mode, in-process stores). Zero errors: no
 * socket errors, no timeouts (30 s), every answer 2xx. p99 is reported (test-artifacts/reliability/load.json),
 * with the gateway's own latency histogram and event-loop delay next to it, the load client's own event-loop
 * delay, and the requests that opened their connection apart from the rest: with the CPU saturated, Node accepts
 * new connections late (a bare node:http server shows the same), so the first request of a connection carries
 * the client-side tail while the gateway's own histogram stays under 0.5 s.
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

  /**
   * The gateway's own view: requests of a route by latency bucket (cumulative counts, seconds), and its event-loop
   * delay since the previous scrape (prom-client resets that histogram on every scrape), ms.
   */
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
      const lag = /^clawbot_nodejs_eventloop_lag_(p99|max)_seconds (\S+)/.exec(line);
      if (lag !== null) out[`loopDelay_${lag[1] ?? ''}_ms`] = Math.round(Number(lag[2]) * 1000);
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

  /** Loads `route` of the gateway; zero socket errors, timeouts and non-2xx answers. */
  async function loadRoute(route: string, request: Parameters<typeof load>[0]['request']): Promise<void> {
    await serverSide(''); // resets the gateway's event-loop delay histogram
    const summary = await load({
      url: gw.url,
      target: `POST ${route}`,
      connections: CONNECTIONS,
      durationSec: DURATION,
      request,
    });
    results.push({ ...summary, server: await serverSide(route) });
    assert.ok(summary.requests > 0);
    assert.deepEqual(
      { errors: summary.errors, timeouts: summary.timeouts, non2xx: summary.non2xx },
      { errors: 0, timeouts: 0, non2xx: 0 },
      JSON.stringify(summary),
    );
  }

  it(`POST /api/v1/chat: ${CONNECTIONS} connections for ${DURATION} s, zero errors`, async () => {
    let n = 0;
    await loadRoute('/api/v1/chat', () => ({
      path: '/api/v1/chat',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      // A new end user per request: real users do not send 20 messages a minute, so nobody is throttled.
      body: JSON.stringify({ query: QUESTIONS[n++ % QUESTIONS.length], user_id: `load-${uid()}` }),
    }));
  });

  it(`WeChat push endpoint: ${CONNECTIONS} connections for ${DURATION} s, zero errors`, async () => {
    let n = 0;
    await loadRoute('/wechat', () => {
      const push = wechatPush(`oLoad${uid()}`, msgId(), QUESTIONS[n++ % QUESTIONS.length] ?? '你好');
      return { ...push, headers: { 'content-type': 'text/xml' } };
    });
  });
});
