/**
 * Redis going away: readiness turns false, REST answers 503 with a clear code and Retry-After, WeChat pushes are not
 * acknowledged (503, so WeChat delivers them again), and when Redis comes back the same gateway serves again — no
 * restart. Uses a private redis-server on its own port (never the shared 6379 instance).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, type TestGateway } from '../../helpers/gateway.js';
import { freePort, hasRedisServer, postChat, privateRedis, WECHAT, wechatSay, type PrivateRedis } from './support.js';

async function ready(url: string): Promise<{ status: number; checks: Record<string, { ok: boolean }> }> {
  const res = await fetch(`${url}/api/v1/ready`);
  const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
  return { status: res.status, checks: body.checks };
}

describe('production: Redis outage and recovery (private redis-server)', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  let gw: TestGateway;

  before(async function () {
    if (!(await hasRedisServer())) {
      console.warn('redis-server not installed; skipping the Redis outage test');
      this.skip();
    }
    redis = privateRedis(await freePort());
    await redis.start();
    gw = await startGateway({ redis: { url: redis.url, keyPrefix: 'outage' }, channels: { wechat_official: WECHAT } });
  });
  after(async () => {
    await gw?.close();
    await redis?.stop();
  });

  it('serves, refuses clearly while Redis is down, and recovers by itself when it is back', async () => {
    assert.equal((await postChat(gw.url, gw.key, { query: '退货怎么办', session_id: 'o1' })).status, 200);
    assert.equal((await ready(gw.url)).status, 200);

    await redis.crash();
    const down = await ready(gw.url);
    assert.equal(down.status, 503);
    assert.equal(down.checks['redis']?.ok, false);
    const refused = await postChat(gw.url, gw.key, { query: '退货怎么办', session_id: 'o2' });
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.match((refused.body['error'] as { code: string }).code, /^(kv|memory)\.unavailable$|^overloaded$/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const push = await wechatSay(gw.url, 'oOutageUser', '退货怎么办');
    assert.equal(push.status, 503, 'not acknowledged: WeChat will deliver it again');
    assert.equal(push.reply, undefined);

    await redis.start();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await sleep(100);
      status = (await postChat(gw.url, gw.key, { query: '退货怎么办', session_id: 'o3' })).status;
    }
    assert.equal(status, 200, 'the same gateway serves again');
    assert.equal((await ready(gw.url)).status, 200);
    const again = await wechatSay(gw.url, 'oOutageUser', '退货怎么办');
    assert.match(again.reply ?? '', /退货/, "WeChat's redelivery is answered");
  });
});
