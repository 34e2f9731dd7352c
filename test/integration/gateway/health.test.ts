import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { getJson, startGateway, type TestGateway } from '../../helpers/gateway.js';
import { redisOrSkip, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';

interface Health {
  status: string;
  version: string;
  uptime: number;
}
interface Ready {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

describe('gateway health and readiness (HTTP)', () => {
  describe('in-process stores', () => {
    let gw: TestGateway;
    const clock = new ManualClock(1_700_000_000_000);
    before(async () => {
      gw = await startGateway({}, { clock, version: '9.8.7' });
    });
    after(() => gw.close());

    it('GET /api/v1/health answers status, version and uptime without credentials', async () => {
      const first = await getJson<Health>(gw.url, '/api/v1/health');
      assert.equal(first.status, 200);
      assert.match(first.contentType, /application\/json/);
      assert.deepEqual(first.body, { status: 'ok', version: '9.8.7', uptime: 0 });
      clock.advance(42_000);
      const later = await getJson<Health>(gw.url, '/api/v1/health');
      assert.equal(later.body.uptime, 42);
    });

    it('GET /api/v1/ready is 200 with a passing model check and no redis check', async () => {
      const ready = await getJson<Ready>(gw.url, '/api/v1/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ready');
      assert.equal(ready.body.checks['model']?.ok, true);
      assert.equal(ready.body.checks['redis'], undefined);
      assert.ok(Object.values(ready.body.checks).every((c) => c.ok));
    });
  });

  describe('with redis.url configured', () => {
    let gw: TestGateway | undefined;
    before(async function () {
      const probe = await redisOrSkip(this);
      probe.disconnect();
      gw = await startGateway({ redis: { url: REDIS_URL, keyPrefix: uniquePrefix('gw-ready') } });
    });
    after(() => gw?.close());

    it('GET /api/v1/ready includes a passing redis check', async () => {
      const ready = await getJson<Ready>(gw!.url, '/api/v1/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.status, 'ready');
      assert.equal(ready.body.checks['model']?.ok, true);
      assert.equal(ready.body.checks['redis']?.ok, true);
    });
  });

  describe('with an unreachable redis.url', () => {
    let gw: TestGateway;
    before(async () => {
      // Port 1 on loopback: nothing listens there, so connecting fails at once.
      gw = await startGateway({ redis: { url: 'redis://127.0.0.1:1', keyPrefix: uniquePrefix('gw-down') } });
    });
    after(() => gw.close());

    it('GET /api/v1/ready is 503 not_ready with a failing redis check; health stays 200', async () => {
      const ready = await getJson<Ready>(gw.url, '/api/v1/ready');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'not_ready');
      assert.equal(ready.body.checks['redis']?.ok, false);
      assert.equal(ready.body.checks['model']?.ok, true);
      const health = await getJson<Health>(gw.url, '/api/v1/health');
      assert.equal(health.status, 200);
    });
  });
});
