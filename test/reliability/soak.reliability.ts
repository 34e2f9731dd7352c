/**
 * Soak: steady load for 5 minutes (short profile: 40 s) on one gateway process — 2000 end users taking turns at a
 * fixed rate, REST and WeChat — with the process's RSS sampled every few seconds. Caches with TTLs (dedupe
 * markers and WeChat delivery state live 10 minutes, the outbound ledger 24 h, all bounded in size) fill during the
 * first minutes (in process they would grow for their whole TTL, so the soak runs the production setup: state in
 * Redis, under a unique key prefix), so "bounded" means: RSS levels off — the last quarter's floor (its lowest
 * sample: RSS saws up and down with V8's major collections, so medians and peaks depend on where the window cuts
 * a tooth) is within 32 MiB of the third quarter's — and stays under 512 MiB. The short profile's 40 s hold one or
 * two teeth (263 -> 372 -> 298 MiB in one CI run), too few to tell a leak from a collection cycle, so it checks the
 * 512 MiB ceiling and reports the rest; the full profile checks the levelling. Growth from the warm-up is reported.
 */
import assert from 'node:assert/strict';
import autocannon from 'autocannon';
import { deleteKeysUnder, REDIS_URL, redisOrSkip, uniquePrefix } from '../helpers/redis.js';
import { FULL, freePort, KEY, msgId, report, rssOf, spawnGateway, WECHAT, wechatPush } from './support.js';

const DURATION_S = FULL ? 300 : 40;
const RATE = 150; // requests per second, overall
const USERS = 2000;
const MIB = 1024 * 1024;

describe('reliability: soak', function () {
  this.timeout((DURATION_S + 180) * 1000);

  it(`${DURATION_S} s of steady load: RSS growth bounded`, async function () {
    const client = await redisOrSkip(this);
    const prefix = uniquePrefix('soak');
    const gw = await spawnGateway(
      {
        mode: 'production',
        redis: { url: REDIS_URL, keyPrefix: prefix },
        gateway: { host: '127.0.0.1', port: await freePort() },
        auth: { apiKeys: [KEY] },
        log: { level: 'error' },
        channels: { wechat_official: WECHAT },
      },
      { timeoutMs: 120_000 },
    );
    const pid = gw.proc.pid ?? 0;
    const samples: { t: number; rssMiB: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      rssOf(pid)
        .then((rss) => samples.push({ t: Math.round((Date.now() - started) / 1000), rssMiB: Math.round(rss / MIB) }))
        .catch(() => undefined);
    }, 2000);
    let n = 0;
    const questions = ['退货怎么办', 'where is my order', '怎么付款', 'how much is the Claw Phone 15?', '那黑色的呢？'];
    try {
      const result = await autocannon({
        url: gw.url,
        connections: 20,
        overallRate: RATE,
        duration: DURATION_S,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            path: '/api/v1/chat',
            setupRequest: (req) => {
              n += 1;
              const user = n % USERS;
              const text = questions[n % questions.length] ?? '你好';
              if (n % 2 === 0) {
                const push = wechatPush(`oSoak${user}`, msgId(), text);
                return { ...req, path: push.path, body: push.body, headers: { 'content-type': 'text/xml' } };
              }
              return {
                ...req,
                path: '/api/v1/chat',
                headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
                body: JSON.stringify({ query: text, session_id: `soak-${user}`, user_id: `soak-${user}` }),
              };
            },
          },
        ],
      });
      clearInterval(sampler);
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const rss = samples.map((s) => s.rssMiB);
      const warm = Math.min(...rss.slice(0, quarter));
      const third = Math.min(...rss.slice(2 * quarter, 3 * quarter));
      const end = Math.min(...rss.slice(-quarter));
      const max = Math.max(...rss);
      await report('soak', {
        durationSec: DURATION_S,
        requests: result.requests.total,
        rps: Math.round(result.requests.average),
        p99Ms: result.latency.p99,
        errors: result.errors,
        non2xx: result.non2xx,
        rssFloorMiB: { warm, third, end, growthFromWarm: end - warm, growthLastQuarter: end - third },
        rssMaxMiB: max,
        samples,
      });
      assert.equal(result.errors, 0);
      assert.equal(result.non2xx, 0);
      assert.ok(samples.length >= 8, `only ${samples.length} RSS samples`);
      if (FULL) {
        assert.ok(end - third < 32, `RSS still growing: ${end - third} MiB in the last quarter (${third} -> ${end})`);
      } else {
        console.log(`      (short profile: RSS floor ${third} -> ${end} MiB reported; levelling is checked in 5 min)`);
      }
      assert.ok(max < 512, `RSS reached ${max} MiB`);
    } finally {
      clearInterval(sampler);
      gw.kill('SIGTERM');
      await gw.exited;
      await deleteKeysUnder(client, prefix);
      client.disconnect();
    }
  });
});
