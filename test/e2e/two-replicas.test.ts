/**
 * Two gateway replicas sharing one Redis (skipped with a notice when Redis is unreachable): a ticket opened on one
 * appears live in a console event stream connected to the other; two agents claiming at once on different
 * replicas -> exactly one wins; an agent reply sent on one replica reaches a customer stream on the other.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { chat, startGateway, type TestGateway } from '../helpers/gateway.js';
import { deleteKeysUnder, REDIS_URL, redisOrSkip, uniquePrefix } from '../helpers/redis.js';
import {
  agentCall,
  cliAddAgent,
  loginAgent,
  openEvents,
  tempConsoleConfig,
  type AgentSession,
  type EventCollector,
} from './handoff-helpers.js';

describe('handoff across two replicas on one Redis', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix('handoff-replicas');
  let redis: Redis | undefined;
  let tmp: ReturnType<typeof tempConsoleConfig>;
  let one: TestGateway | undefined;
  let two: TestGateway | undefined;
  let alice: AgentSession;
  let bob: AgentSession;
  let console2: EventCollector | undefined;

  before(async function () {
    redis = await redisOrSkip(this);
    tmp = tempConsoleConfig(`redis:\n  url: ${JSON.stringify(REDIS_URL)}\n  keyPrefix: ${prefix}\n`);
    // Accounts go to Redis (redis.url is set): both replicas and the CLI see the same ones.
    await cliAddAgent(tmp.configPath, tmp.dir, ['alice', '--password', 'alice-password-1', '--name', 'Alice']);
    await cliAddAgent(tmp.configPath, tmp.dir, ['bob', '--password', 'bob-password-1', '--name', 'Bob']);
    const config = { redis: { url: REDIS_URL, keyPrefix: prefix }, handoff: { agentsFile: tmp.agentsFile } };
    one = await startGateway(config);
    two = await startGateway(config);
    await Promise.all([one.gateway.handoff.ready(), two.gateway.handoff.ready()]);
    alice = await loginAgent(two.url, 'alice', 'alice-password-1');
    bob = await loginAgent(one.url, 'bob', 'bob-password-1');
    console2 = await openEvents(two.url, '/api/v1/agent/events', { cookie: alice.cookie });
    await console2.waitFor((e) => e.event === 'hello');
  });

  after(async () => {
    console2?.close();
    await one?.close();
    await two?.close();
    if (redis !== undefined) {
      await deleteKeysUnder(redis, prefix);
      redis.disconnect();
    }
    if (tmp !== undefined) rmSync(tmp.dir, { recursive: true, force: true });
  });

  it('stores no agents file: the CLI wrote the accounts to Redis', async () => {
    assert.deepEqual(
      (await one!.gateway.handoff.agents.list()).map((a) => a.username),
      ['alice', 'bob'],
    );
    assert.equal(
      (await agentCall(one!.url, alice, 'GET', '/me')).status,
      200,
      'a session from one replica works on the other',
    );
  });

  it('shows a ticket opened on replica one live in a console on replica two', async () => {
    const session = `r-${randomUUID().slice(0, 8)}`;
    const asked = await chat(one!.url, one!.key, { query: '转人工', session_id: session });
    assert.equal(asked.body.handoff, true);
    const seen = await console2!.waitFor(
      (e) =>
        e.event === 'ticket' &&
        e.data['change'] === 'open' &&
        (e.data['ticket'] as { conversation: { conversation: string } }).conversation.conversation === session,
    );
    const ticket = seen.data['ticket'] as { id: string };
    await chat(one!.url, one!.key, { query: 'are you there?', session_id: session });
    await console2!.waitFor(
      (e) =>
        e.event === 'transcript' &&
        e.data['ticketId'] === ticket.id &&
        (e.data['entry'] as { text: string }).text === 'are you there?',
    );
  });

  it('lets exactly one of two agents claiming at once on different replicas win', async () => {
    for (let round = 0; round < 5; round++) {
      const session = `race-${round}-${randomUUID().slice(0, 8)}`;
      await chat(one!.url, one!.key, { query: '人工客服', session_id: session });
      const ticket = (await two!.gateway.handoff.service.active(`rest:default:${session}`))!;
      const [a, b] = await Promise.all([
        agentCall(two!.url, alice, 'POST', `/tickets/${ticket.id}/claim`),
        agentCall(one!.url, bob, 'POST', `/tickets/${ticket.id}/claim`),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409], `round ${round}: ${a.status} ${b.status}`);
      const loser = a.status === 409 ? a : b;
      assert.equal((loser.body as { error: { code: string } }).error.code, 'handoff.already_claimed');
      const stored = await one!.gateway.handoff.service.get(ticket.id);
      assert.equal(stored.agentId, a.status === 200 ? 'alice' : 'bob');
      const winner = a.status === 200 ? { gw: two!, s: alice } : { gw: one!, s: bob };
      await agentCall(winner.gw.url, winner.s, 'POST', `/tickets/${ticket.id}/resolve`);
    }
  });

  it('delivers an agent reply sent on one replica to a customer stream on the other', async () => {
    const session = `x-${randomUUID().slice(0, 8)}`;
    await chat(one!.url, one!.key, { query: '转人工', session_id: session });
    const stream = await openEvents(one!.url, `/api/v1/sessions/${session}/events`, {
      authorization: `Bearer ${one!.key}`,
    });
    try {
      const ticket = (await two!.gateway.handoff.service.active(`rest:default:${session}`))!;
      assert.equal((await agentCall(two!.url, alice, 'POST', `/tickets/${ticket.id}/claim`)).status, 200);
      assert.equal(
        (await agentCall(two!.url, alice, 'POST', `/tickets/${ticket.id}/reply`, { text: 'from replica two' })).status,
        200,
      );
      const got = await stream.waitFor((e) => e.event === 'message' && e.data['text'] === 'from replica two');
      assert.equal(got.data['author'], 'agent');
      await stream.waitFor((e) => e.event === 'handoff' && e.data['status'] === 'human');
    } finally {
      stream.close();
    }
  });
});
