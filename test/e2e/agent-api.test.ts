/**
 * The handoff over real HTTP on one gateway: REST customer -> handoff with queue position -> agent API (login,
 * CSRF, claim, reply) -> the customer's event stream and session -> return to bot -> the bot answers again.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chat, getSession, startGateway, type TestGateway } from '../helpers/gateway.js';
import {
  agentCall,
  cliAddAgent,
  loginAgent,
  openEvents,
  tempConsoleConfig,
  type AgentSession,
} from './handoff-helpers.js';

describe('handoff over HTTP: agent API, customer events, CLI accounts', function () {
  let gw: TestGateway;
  let tmp: ReturnType<typeof tempConsoleConfig>;
  let alice: AgentSession;

  before(async () => {
    tmp = tempConsoleConfig();
    await cliAddAgent(tmp.configPath, tmp.dir, ['alice', '--password', 'alice-password-1', '--name', 'Alice']);
    await cliAddAgent(tmp.configPath, tmp.dir, ['sue', '--password', 'sue-password-1', '--role', 'supervisor']);
    await cliAddAgent(tmp.configPath, tmp.dir, ['bob', '--password', 'bob-password-1']);
    gw = await startGateway({ handoff: { agentsFile: tmp.agentsFile } });
    alice = await loginAgent(gw.url, 'alice', 'alice-password-1');
  });
  after(async () => {
    await gw?.close();
    rmSync(tmp.dir, { recursive: true, force: true });
  });

  const customer = () => ({ authorization: `Bearer ${gw.key}` });

  it('runs the whole handoff for a REST customer', async () => {
    const session = `e2e-${randomUUID()}`;
    const first = await chat(gw.url, gw.key, { query: '转人工', session_id: session });
    assert.equal(first.status, 200);
    assert.equal(first.body.handoff, true);
    assert.match(first.body.reply, /第 \d+ 位/, 'the queued notice with the queue position');
    assert.doesNotMatch(first.body.reply, /已为您转接人工客服，请稍候/, 'not the generic notice');

    const stream = await openEvents(gw.url, `/api/v1/sessions/${session}/events`, customer());
    await stream.waitFor((e) => e.event === 'handoff' && e.data['status'] === 'queued');

    const silent = await chat(gw.url, gw.key, { query: '退货怎么办', session_id: session });
    assert.equal(silent.body.handoff, true, 'handoff stays true while the ticket is open');
    assert.equal(silent.body.reply, '', 'no bot answer');

    const queue = await agentCall<{ tickets: { id: string; conversation: { conversation: string } }[] }>(
      gw.url,
      alice,
      'GET',
      '/tickets?view=queue',
    );
    const ticket = queue.body.tickets.find((t) => t.conversation.conversation === session);
    assert.ok(ticket, 'the ticket is in the queue');
    const packet = await agentCall<{ transcript: { role: string; text: string }[]; lastTurns: unknown[] }>(
      gw.url,
      alice,
      'GET',
      `/tickets/${ticket.id}`,
    );
    assert.deepEqual(
      packet.body.transcript.filter((e) => e.role === 'customer').map((e) => e.text),
      ['退货怎么办'],
    );
    assert.equal(packet.body.lastTurns.length, 1);

    assert.equal((await agentCall(gw.url, alice, 'POST', `/tickets/${ticket.id}/claim`)).status, 200);
    const joined = await stream.waitFor((e) => e.event === 'message' && /客服Alice已接入/.test(String(e.data['text'])));
    assert.equal(joined.data['author'], 'system');
    const reply = await agentCall(gw.url, alice, 'POST', `/tickets/${ticket.id}/reply`, { text: '您好，我是 Alice。' });
    assert.equal(reply.status, 200);
    const got = await stream.waitFor((e) => e.event === 'message' && e.data['text'] === '您好，我是 Alice。');
    assert.equal(got.data['author'], 'agent');
    assert.equal(got.data['agent_name'], 'Alice');
    const stored = await getSession(gw.url, gw.key, session);
    const replies = stored.body.turns.flatMap((t) => t.replies);
    assert.ok(
      replies.some((r) => r.author === 'agent' && r.text === '您好，我是 Alice。'),
      'the agent reply is in the session',
    );

    assert.equal((await agentCall(gw.url, alice, 'POST', `/tickets/${ticket.id}/return`)).status, 200);
    await stream.waitFor((e) => e.event === 'handoff' && e.data['status'] === 'bot');
    await stream.waitFor((e) => e.event === 'message' && /智能助手继续/.test(String(e.data['text'])));
    const back = await chat(gw.url, gw.key, { query: '退货怎么办', session_id: session });
    assert.equal(back.body.handoff, false);
    assert.match(back.body.reply, /退/);
    stream.close();
  });

  it('hands an out-of-scope question over with a queued notice in English', async () => {
    const { body } = await chat(gw.url, gw.key, {
      query: 'what is the meaning of life',
      session_id: `oos-${randomUUID()}`,
    });
    assert.equal(body.handoff, true);
    assert.match(body.reply, /You are number \d+ in the queue/);
  });

  it('refuses wrong passwords and unknown users alike', async () => {
    for (const [u, p] of [
      ['alice', 'wrong-password'],
      ['nobody', 'whatever-123'],
    ] as const) {
      const res = await fetch(`${gw.url}/api/v1/agent/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: u, password: p }),
      });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: { code: 'auth.invalid', message: 'wrong username or password' } });
    }
  });

  it('sets an httpOnly SameSite=Strict session cookie and requires the CSRF header with it', async () => {
    const res = await fetch(`${gw.url}/api/v1/agent/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob-password-1' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^clawbot_console=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const bob = await loginAgent(gw.url, 'bob', 'bob-password-1');
    const noCsrf = await fetch(`${gw.url}/api/v1/agent/presence`, {
      method: 'POST',
      headers: { cookie: bob.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ online: true }),
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(((await noCsrf.json()) as { error: { code: string } }).error.code, 'auth.forbidden');
    const wrong = await agentCall(gw.url, { ...bob, csrf: 'x'.repeat(bob.csrf.length) }, 'POST', '/presence', {
      online: true,
    });
    assert.equal(wrong.status, 403);
    assert.equal((await agentCall(gw.url, bob, 'POST', '/presence', { online: true })).status, 200);
    const bearer = await fetch(`${gw.url}/api/v1/agent/presence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ online: false }),
    });
    assert.equal(bearer.status, 200, 'a bearer session token needs no CSRF header');
    assert.equal((await fetch(`${gw.url}/api/v1/agent/me`)).status, 401);
    const apiKey = await fetch(`${gw.url}/api/v1/agent/me`, { headers: { authorization: `Bearer ${gw.key}` } });
    assert.equal(apiKey.status, 401, 'an API key is not an agent session');
  });

  it('logs out (the token stops working) and drops sessions of removed accounts', async () => {
    const bob = await loginAgent(gw.url, 'bob', 'bob-password-1');
    assert.equal((await agentCall(gw.url, bob, 'GET', '/me')).status, 200);
    await agentCall(gw.url, bob, 'POST', '/presence', { online: true });
    assert.equal((await agentCall(gw.url, bob, 'POST', '/logout')).status, 200);
    const presence = await gw.gateway.handoff.service.deps.queue.presence();
    assert.equal(
      presence.find((p) => p.agentId === 'bob'),
      undefined,
      'logged-out agents are not online',
    );
    assert.equal((await agentCall(gw.url, bob, 'GET', '/me')).status, 401);
    await cliAddAgent(tmp.configPath, tmp.dir, ['temp', '--password', 'temp-password-1']);
    const temp = await loginAgent(gw.url, 'temp', 'temp-password-1');
    await gw.gateway.handoff.agents.remove('temp');
    assert.equal((await agentCall(gw.url, temp, 'GET', '/me')).status, 401);
  });

  it('shows the dashboard to supervisors only', async () => {
    const sue = await loginAgent(gw.url, 'sue', 'sue-password-1');
    const dash = await agentCall<{ queueLength: number; handoffsByReason: Record<string, number>; turns: number }>(
      gw.url,
      sue,
      'GET',
      '/dashboard?window=3600',
    );
    assert.equal(dash.status, 200);
    assert.ok(dash.body.handoffsByReason['user_request']! >= 1);
    assert.ok(dash.body.turns >= 1);
    assert.equal((await agentCall(gw.url, alice, 'GET', '/dashboard')).status, 403);
  });

  it('answers 409 already_claimed to the second agent and 404 for unknown tickets', async () => {
    const session = `race-${randomUUID()}`;
    await chat(gw.url, gw.key, { query: '人工客服', session_id: session });
    const ticket = (await gw.gateway.handoff.service.active(`rest:default:${session}`))!;
    const bob = await loginAgent(gw.url, 'bob', 'bob-password-1');
    const [a, b] = await Promise.all([
      agentCall(gw.url, alice, 'POST', `/tickets/${ticket.id}/claim`),
      agentCall(gw.url, bob, 'POST', `/tickets/${ticket.id}/claim`),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    assert.equal((await agentCall(gw.url, alice, 'GET', '/tickets/nope')).status, 404);
  });

  it('serves the console with a strict Content-Security-Policy and no external resources', async () => {
    const res = await fetch(`${gw.url}/console/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await res.text();
    assert.match(html, /<script type="module" src="console.js">/);
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
    for (const file of ['console.js', 'i18n.js', 'console.css']) {
      const asset = await fetch(`${gw.url}/console/${file}`);
      assert.equal(asset.status, 200, file);
      assert.doesNotMatch(await asset.text(), /https?:\/\/(?!127\.)/, `${file} loads nothing from elsewhere`);
    }
    assert.equal((await fetch(`${gw.url}/console`, { redirect: 'manual' })).status, 301);
  });
});

describe('handoff over HTTP: the middle band (draft approval)', function () {
  let gw: TestGateway;
  let tmp: ReturnType<typeof tempConsoleConfig>;
  before(async () => {
    tmp = tempConsoleConfig();
    await cliAddAgent(tmp.configPath, tmp.dir, ['amy', '--password', 'amy-password-1', '--name', 'Amy']);
    gw = await startGateway({ handoff: { agentsFile: tmp.agentsFile, draftThreshold: 0.01 } });
  });
  after(async () => {
    await gw?.close();
    rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('queues a low-confidence guess as a draft; the approved (edited) answer reaches the customer; the bot carries on', async () => {
    const session = `draft-${randomUUID()}`;
    const first = await chat(gw.url, gw.key, { query: 'what is the meaning of life', session_id: session });
    assert.equal(first.body.handoff, true);
    const ticket = (await gw.gateway.handoff.service.active(`rest:default:${session}`))!;
    assert.equal(ticket.reason, 'draft_review');
    assert.ok(ticket.draft !== undefined && ticket.draft.text.length > 0, 'the bot drafted an answer');
    assert.ok(ticket.sources.length > 0, 'the draft sources are evidence in the packet');
    const stream = await openEvents(gw.url, `/api/v1/sessions/${session}/events`, {
      authorization: `Bearer ${gw.key}`,
    });
    const amy = await loginAgent(gw.url, 'amy', 'amy-password-1');
    const approved = await agentCall(gw.url, amy, 'POST', `/tickets/${ticket.id}/approve`, { text: 'Edited by Amy.' });
    assert.equal(approved.status, 200);
    const got = await stream.waitFor((e) => e.event === 'message' && e.data['text'] === 'Edited by Amy.');
    assert.equal(got.data['author'], 'agent');
    stream.close();
    const next = await chat(gw.url, gw.key, { query: '退货怎么办', session_id: session });
    assert.equal(next.body.handoff, false);
  });
});
