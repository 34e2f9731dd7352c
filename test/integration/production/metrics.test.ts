/**
 * Done when: `/metrics` exposes the families after some traffic (REST, WeChat, handoff, agent actions), and it is
 * protected (admin credential, metrics.public, or metrics.allowIps).
 */
import assert from 'node:assert/strict';
import { createGatewayMetrics } from '../../../gateway/observability/metrics.js';
import { startGateway, type TestGateway } from '../../helpers/gateway.js';
import { agentsFileWith, postChat, WECHAT, wechatSay } from './support.js';

const ADMIN = 'admin-key-0123456789abcdef';
const CHAT_ONLY = 'chat-key-0123456789abcdef0';

async function scrape(url: string, key?: string): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${url}/metrics`, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

/** The value of one series, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('production: /metrics after traffic (HTTP)', function () {
  this.timeout(60_000);
  let gw: TestGateway;
  before(async () => {
    const agentsFile = await agentsFileWith({
      username: 'alice',
      displayName: 'Alice',
      password: 'correct horse battery',
    });
    gw = await startGateway({
      auth: {
        apiKeys: [
          { key: ADMIN, scopes: ['admin'] },
          { key: CHAT_ONLY, scopes: ['chat'] },
        ],
      },
      handoff: { agentsFile },
      channels: { wechat_official: WECHAT },
    });
    // Traffic: REST turns, a duplicate, WeChat pushes, a handoff that an agent claims.
    for (const query of ['退货怎么办', 'how do I return an item?']) {
      assert.equal((await postChat(gw.url, gw.key, { query, user_id: 'metrics-user' })).status, 200);
    }
    const wx = await wechatSay(gw.url, 'oMetricsUser', '退货怎么办');
    assert.equal(wx.status, 200);
    assert.match(wx.reply ?? '', /退货/);
    const event = {
      kind: 'message' as const,
      id: 'dup-1',
      receivedAt: Date.now(),
      conversation: { channel: 'rest', tenant: 'default', conversation: 'dup-session' },
      sender: { id: 'dup-user' },
      parts: [{ type: 'text' as const, text: 'hi' }],
      text: 'hi',
      mentionsBot: true,
      raw: null,
    };
    assert.equal((await gw.gateway.dispatch(event)).status, 'handled');
    assert.equal((await gw.gateway.dispatch(event)).status, 'duplicate');
    const handoff = await postChat(gw.url, gw.key, { query: '转人工', session_id: 'metrics-handoff' });
    assert.equal(handoff.body['handoff'], true);
    const login = await fetch(`${gw.url}/api/v1/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const tickets = (await (
      await fetch(`${gw.url}/api/v1/agent/tickets?view=queue`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { tickets: { id: string }[] };
    const id = tickets.tickets[0]?.id ?? 'none';
    const claim = await fetch(`${gw.url}/api/v1/agent/tickets/${id}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(claim.status, 200, await claim.text());
  });
  after(() => gw.close());

  it('exposes every family the gateway registers, with the traffic counted', async () => {
    const { status, text, type } = await scrape(gw.url, ADMIN);
    assert.equal(status, 200);
    assert.match(type, /text\/plain/);
    // Every family the gateway registers (named one by one in test/unit/observability/metrics.test.ts), process
    // metrics included: the route serves the gateway's whole registry.
    const families = (await createGatewayMetrics().registry.getMetricsAsJSON()).map((m) => m.name);
    assert.ok(
      families.includes('clawbot_http_requests_total') && families.includes('clawbot_process_resident_memory_bytes'),
    );
    const missing = families.filter((f) => !new RegExp(`^# TYPE ${f} `, 'm').test(text));
    assert.deepEqual(missing, []);
    assert.equal(value(text, 'clawbot_http_requests_total{method="POST",route="/api/v1/chat",status="200"}'), 3);
    assert.equal(value(text, 'clawbot_channel_inbound_messages_total{channel="wechat_official"}'), 1);
    assert.equal(value(text, 'clawbot_channel_inbound_messages_total{channel="rest"}'), 5);
    assert.equal(value(text, 'clawbot_channel_duplicates_dropped_total{channel="rest"}'), 1);
    assert.ok((value(text, 'clawbot_channel_replies_sent_total{channel="wechat_official"}') ?? 0) >= 1);
    assert.equal(value(text, 'clawbot_handoffs_opened_total{reason="user_request"}'), 1);
    assert.equal(value(text, 'clawbot_handoff_queue_length'), 0, 'claimed: nobody waits');
    assert.equal(value(text, 'clawbot_handoff_wait_seconds_count'), 1);
    assert.ok((value(text, 'clawbot_memory_store_duration_seconds_count{op="recent",outcome="ok"}') ?? 0) >= 4);
    assert.ok((value(text, 'clawbot_qa_cache_hit_ratio') ?? -1) >= 0);
    assert.match(text, /route="\/api\/v1\/agent\/tickets\/:id\/claim"/, 'route patterns, not ticket ids');
    assert.doesNotMatch(text, /metrics-user|oMetricsUser|metrics-handoff/, 'no user data in labels');
  });

  it('is refused without a credential (401) and to a chat-only key (403)', async () => {
    assert.equal((await scrape(gw.url)).status, 401);
    assert.equal((await scrape(gw.url, CHAT_ONLY)).status, 403);
  });

  it('metrics.public and metrics.allowIps open it without credentials', async () => {
    for (const metrics of [{ public: true }, { allowIps: ['127.0.0.0/8'] }]) {
      const open = await startGateway({ metrics });
      try {
        const { status, text } = await scrape(open.url);
        assert.equal(status, 200, JSON.stringify(metrics));
        assert.match(text, /clawbot_http_requests_total/);
      } finally {
        await open.close();
      }
    }
    const elsewhere = await startGateway({ metrics: { allowIps: ['10.0.0.0/8'] } });
    try {
      assert.equal((await scrape(elsewhere.url)).status, 401);
    } finally {
      await elsewhere.close();
    }
  });

  it('metrics.enabled: false removes the route', async () => {
    const off = await startGateway({ metrics: { enabled: false } });
    try {
      assert.equal((await scrape(off.url, off.key)).status, 404);
    } finally {
      await off.close();
    }
  });
});
