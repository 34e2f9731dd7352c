/**
 * Faults. (1) kill -9 one of two replicas sharing Redis in the middle of WeChat traffic: the client behaves like
 * WeChat (a delivery that fails or gets no answer is delivered again, at most 3 times, ~5 s apart, to a replica that
 * is up); then no message is answered twice, and every acknowledged message is answered (passive reply or
 * customer-service API on a loopback fake). (2) Redis restarted mid-run (a private redis-server, never the shared
 * one): the gateway answers 503 while it is gone and serves again when it is back, without a restart.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { deleteKeysUnder, keysUnder, newRedisClient, REDIS_URL, redisOrSkip, uniquePrefix } from '../helpers/redis.js';
import { startFakeWechatApi, type FakeWechatApi } from './fake-wechat-api.js';
import {
  FULL,
  freePort,
  hasRedisServer,
  KEY,
  msgId,
  postChat,
  privateRedis,
  report,
  spawnGateway,
  uid,
  WECHAT,
  wechatPush,
} from './support.js';

type Replica = Awaited<ReturnType<typeof spawnGateway>>;

interface Delivery {
  readonly replica: number;
  readonly outcome: 'answer' | 'ack' | 'refused' | 'failed';
  readonly content?: string;
}

/** One delivery of a push: the answer text, a bare acknowledgement, a refusal (5xx) or a failure (no answer). */
async function deliver(url: string, openid: string, id: string, text: string): Promise<Omit<Delivery, 'replica'>> {
  const push = wechatPush(openid, id, text);
  try {
    const res = await fetch(`${url}${push.path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: push.body,
      signal: AbortSignal.timeout(6000), // WeChat gives up on a delivery after 5 s
    });
    const body = await res.text();
    if (res.status >= 500) return { outcome: 'refused' };
    const content = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(body)?.[1];
    return content === undefined ? { outcome: 'ack' } : { outcome: 'answer', content };
  } catch {
    return { outcome: 'failed' };
  }
}

/** Debugging aid (RELIABILITY_DEBUG): this run's Redis keys (and string values) that mention a message id or openid. */
async function keysAbout(prefix: string, id: string, openid: string): Promise<string[]> {
  const r = newRedisClient();
  await r.connect();
  try {
    const out: string[] = [];
    for (const k of await keysUnder(r, prefix)) {
      if (!k.includes(id) && !k.includes(openid)) continue;
      const type = await r.type(k);
      out.push(`${k}=${type === 'string' ? ((await r.get(k)) ?? '') : `(${type})`}`);
    }
    return out;
  } finally {
    r.disconnect();
  }
}

describe('reliability: faults', function () {
  this.timeout(FULL ? 600_000 : 300_000);

  describe('kill -9 one of two replicas mid-load (WeChat, shared Redis)', () => {
    let api: FakeWechatApi;
    let replicas: Replica[] = [];
    let prefix: string;

    before(async function () {
      const client = await redisOrSkip(this);
      client.disconnect();
      prefix = uniquePrefix('kill9');
      api = await startFakeWechatApi();
      const config = async () => ({
        mode: 'production',
        gateway: { host: '127.0.0.1', port: await freePort() },
        auth: { apiKeys: [KEY] },
        log: { level: 'error' },
        redis: { url: REDIS_URL, keyPrefix: prefix }, // the Redis redisOrSkip found
        channels: { wechat_official: { ...WECHAT, customerServiceApi: true, apiBaseUrl: api.url } },
      });
      replicas = await Promise.all([spawnGateway(await config()), spawnGateway(await config())]);
    });
    after(async function () {
      for (const r of replicas) r.kill('SIGKILL');
      await Promise.all(replicas.map((r) => r.exited));
      await api?.close();
      if (prefix === undefined) return;
      const client = await redisOrSkip(this);
      await deleteKeysUnder(client, prefix); // the run's state, owed-answer lists included
      client.disconnect();
    });

    it('no message is answered twice and none is acknowledged and then lost', async () => {
      const total = FULL ? 400 : 120;
      const concurrency = FULL ? 40 : 20;
      const alive = [true, true];
      const log = new Map<string, Delivery[]>();
      const ids = new Map<string, string>();
      let done = 0;
      let next = 0;
      const questions = ['退货怎么办', 'where is my order', '怎么付款'];
      const run = async (i: number): Promise<void> => {
        const openid = `oKill${i}x${uid()}`;
        const id = msgId();
        const deliveries: Delivery[] = [];
        log.set(openid, deliveries);
        ids.set(openid, id);
        let replica = i % 2;
        for (let attempt = 0; attempt < 3; attempt++) {
          if (!alive[replica]) replica = 1 - replica; // the load balancer's health check took it out
          const url = replicas[replica]?.url ?? '';
          const d = { replica, ...(await deliver(url, openid, id, questions[i % questions.length] ?? '你好')) };
          deliveries.push(d);
          if (d.outcome === 'answer' || d.outcome === 'ack') break;
          await sleep(5000); // WeChat's retry interval
        }
        done += 1;
      };
      const killer = (async () => {
        while (done < total * 0.3) await sleep(20);
        alive[0] = false;
        replicas[0]?.kill('SIGKILL');
      })();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) await run(next++);
        }),
      );
      await killer;
      // Late answers go through the customer-service API: a taken-over turn first waits for the conversation lock
      // the dead replica held (its 30 s TTL). Wait until every acknowledged message has its answer (at most 60 s).
      const answeredInReply = (ds: Delivery[]) => ds.some((d) => d.outcome === 'answer');
      const waiting = () =>
        [...log].filter(
          ([openid, ds]) =>
            ds.some((d) => d.outcome === 'ack') && !answeredInReply(ds) && !api.sent.some((m) => m.touser === openid),
        ).length;
      for (let i = 0; i < 120 && waiting() > 0; i++) await sleep(500);
      await sleep(2000); // anything sent twice would show up now
      const viaApi = new Map<string, number>();
      for (const s of api.sent) viaApi.set(s.touser, (viaApi.get(s.touser) ?? 0) + 1);
      const twice: string[] = [];
      const lost: string[] = [];
      let acknowledged = 0;
      let retried = 0;
      let lateAtSurvivor = 0;
      for (const [openid, deliveries] of log) {
        const answers = deliveries.filter((d) => d.outcome === 'answer').length + (viaApi.get(openid) ?? 0);
        const acked = deliveries.some((d) => d.outcome === 'answer' || d.outcome === 'ack');
        if (deliveries.length > 1) retried += 1;
        if (acked) acknowledged += 1;
        if (answers > 1) twice.push(openid);
        // A delivery the surviving replica answered after the client gave up (5 s, like WeChat): an overloaded host.
        if (acked && answers === 0 && deliveries.some((d) => d.replica === 1 && d.outcome === 'failed'))
          lateAtSurvivor += 1;
        if (acked && answers === 0) {
          const keys =
            process.env['RELIABILITY_DEBUG'] === undefined
              ? []
              : await keysAbout(prefix, ids.get(openid) ?? '', openid);
          lost.push(`${openid} ${JSON.stringify(deliveries)} ${keys.join(' ')}`);
        }
      }
      await report('faults-kill9', {
        messages: total,
        acknowledged,
        retried,
        answeredViaApi: api.sent.length,
        answeredTwice: twice.length,
        acknowledgedThenLost: lost.length,
        lostAfterALateAnswerAtTheSurvivor: lateAtSurvivor,
      });
      assert.deepEqual(twice, [], 'answered twice');
      assert.deepEqual(lost, [], 'acknowledged, then lost');
      const unacknowledged = [...log].filter(
        ([, ds]) => !ds.some((d) => d.outcome === 'answer' || d.outcome === 'ack'),
      );
      assert.equal(
        acknowledged,
        total,
        `every message was eventually taken by the surviving replica; not: ${unacknowledged
          .map(([openid, ds]) => `${openid} ${JSON.stringify(ds)}`)
          .join('; ')}`,
      );
      assert.equal((await fetch(`${replicas[1]?.url ?? ''}/api/v1/ready`)).status, 200, 'the survivor is ready');
    });
  });

  describe('Redis restarted mid-run (private redis-server)', () => {
    it('503 while Redis is gone, served again when it is back, without restarting the gateway', async function () {
      if (!(await hasRedisServer())) {
        console.warn('redis-server not installed; skipping');
        this.skip();
      }
      const redis = privateRedis(await freePort());
      await redis.start();
      const gw = await spawnGateway({
        mode: 'production',
        gateway: { host: '127.0.0.1', port: await freePort() },
        auth: { apiKeys: [KEY] },
        log: { level: 'error' },
        redis: { url: redis.url, keyPrefix: 'restart' },
      });
      try {
        const phase = { name: 'before' as 'before' | 'down' | 'after' };
        const byPhase: Record<string, Record<number, number>> = { before: {}, down: {}, after: {} };
        const codes: Record<string, Record<string, number>> = { before: {}, down: {}, after: {} };
        let stop = false;
        const traffic = Array.from({ length: 8 }, async () => {
          while (!stop) {
            const r = await postChat(gw.url, KEY, { query: '退货怎么办', user_id: `restart-${uid()}` });
            const current = phase.name; // when it was answered: a request in flight at the crash belongs to "down"
            const bucket = byPhase[current] ?? {};
            bucket[r.status] = (bucket[r.status] ?? 0) + 1;
            byPhase[current] = bucket;
            if (r.status !== 200) {
              const code = String((r.body['error'] as { code?: string } | undefined)?.code ?? r.status);
              const c = codes[current] ?? {};
              c[code] = (c[code] ?? 0) + 1;
              codes[current] = c;
            }
            await sleep(10);
          }
        });
        await sleep(FULL ? 5000 : 2000);
        phase.name = 'down';
        await redis.crash();
        await sleep(FULL ? 5000 : 2000);
        await redis.start();
        let ok = 0;
        const restartedAt = Date.now();
        while (ok === 0 && Date.now() - restartedAt < 30_000) {
          ok = (await postChat(gw.url, KEY, { query: 'hi', user_id: `probe-${uid()}` })).status === 200 ? 1 : 0;
          await sleep(100);
        }
        const recoveredMs = Date.now() - restartedAt;
        await sleep(500); // requests sent while it was still reconnecting have been answered by now
        phase.name = 'after';
        await sleep(FULL ? 5000 : 2000);
        stop = true;
        await Promise.all(traffic);
        await report('faults-redis-restart', { byPhase, errorCodes: codes, recoveredMs });
        assert.equal(gw.proc.exitCode, null, 'the gateway process is still the same one');
        assert.deepEqual(Object.keys(byPhase['before'] ?? {}), ['200']);
        assert.ok((byPhase['down']?.[503] ?? 0) > 0, 'clear 503s while Redis is gone');
        assert.deepEqual(
          Object.keys(byPhase['down'] ?? {}).filter((s) => s !== '200' && s !== '503'),
          [],
          'nothing but 200 (in flight before the crash) and 503 while down',
        );
        assert.deepEqual(Object.keys(byPhase['after'] ?? {}), ['200'], 'all served after the restart');
        assert.equal((await fetch(`${gw.url}/api/v1/ready`)).status, 200);
      } finally {
        gw.kill('SIGKILL');
        await redis.stop();
      }
    });
  });
});
