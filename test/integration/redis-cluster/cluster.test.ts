/**
 * Everything that lives in Redis, on a real 3-master Redis Cluster started for this file (skipped with a notice when
 * redis-server / redis-cli are missing): the memory, key-value, locks and handoff-queue contract suites over a
 * `Cluster` client that also refuses scripts touching keys they did not declare in KEYS, then two gateways
 * configured with `redis.cluster` serving the same conversations.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { systemClock } from '../../../core/clock.js';
import type { OutboundMessage } from '../../../core/envelope.js';
import { ChannelApiError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logger.js';
import { createRedisDeliveryQueue } from '../../../gateway/flow/delivery/index.js';
import { createRedisHandoffQueue } from '../../../handoff/store/redis-queue.js';
import { createRedisKeyValue, createRedisLocks, createRedisMemory } from '../../../memory/index.js';
import { runHandoffQueueContract } from '../../contract/handoff-queue.contract.js';
import { runKeyValueContract } from '../../contract/kv.contract.js';
import { runLocksContract } from '../../contract/locks.contract.js';
import { runMemoryContract } from '../../contract/memory.contract.js';
import {
  agentCall,
  cliAddAgent,
  loginAgent,
  openEvents,
  tempConsoleConfig,
  type EventCollector,
} from '../../e2e/handoff-helpers.js';
import { chat, getSession, startGateway, type TestGateway } from '../../helpers/gateway.js';
import { clusterFastForward, clusterKeysUnder, useRedisCluster } from '../../helpers/redis-cluster.js';
import { declaredKeysOnly } from '../../helpers/strict-scripts.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis Cluster (3 masters, real redis-server processes)', function () {
  this.timeout(60_000);
  const cluster = useRedisCluster('cluster');
  const strict = () => declaredKeysOnly(cluster.client);
  const advance = (ms: number): Promise<void> => clusterFastForward(cluster.client, cluster.prefix, ms);

  it('spreads the slots over three masters', async () => {
    assert.equal(cluster.client.nodes('master').length, 3);
    assert.match(String(await cluster.client.cluster('INFO')), /cluster_state:ok/);
  });

  it('refuses (test wrapper) a script touching an undeclared same-slot key; the cluster alone would not', async () => {
    const lua = `redis.call('SET', KEYS[1], 'a') redis.call('SET', ARGV[1], 'b') return 1`;
    const [declared, undeclared] = [`${cluster.prefix}:{strict}:a`, `${cluster.prefix}:{strict}:b`];
    assert.equal(await cluster.client.eval(lua, 1, declared, undeclared), 1, 'the cluster itself allows it');
    await assert.rejects(strict().eval(lua, 1, declared, undeclared), /undeclared key .*\{strict\}:b in SET/);
    await assert.rejects(cluster.client.eval(lua, 2, declared, `${cluster.prefix}:{other}:c`, 'x'), /CROSSSLOT/);
  });

  runMemoryContract({
    name: 'redis cluster',
    create: (options, namespace) =>
      createRedisMemory(
        { ...options, keyPrefix: `${cluster.prefix}-mem`, tenant: namespace ?? 'contract' },
        { redis: strict() },
      ),
    advance,
  });

  runKeyValueContract({
    name: 'redis cluster',
    create: (namespace) =>
      createRedisKeyValue({ redis: strict(), keyPrefix: `${cluster.prefix}-kv`, tenant: namespace ?? 'contract' }),
    advance,
  });

  runLocksContract({
    name: 'redis cluster (two replicas = two cluster clients)',
    create: () => createRedisLocks({ redis: strict(), keyPrefix: `${cluster.prefix}-locks` }),
    replicas: async () => [
      createRedisLocks({ redis: strict(), keyPrefix: `${cluster.prefix}-locks` }),
      createRedisLocks({ redis: declaredKeysOnly(await cluster.extraClient()), keyPrefix: `${cluster.prefix}-locks` }),
    ],
    advance: sleep,
  });

  runHandoffQueueContract({
    name: 'redis cluster (replica = second cluster client)',
    create: (clock, space) =>
      createRedisHandoffQueue({ redis: strict(), namespace: `${cluster.prefix}-hq:${space}` }, { clock }),
    replica: async (clock, space) =>
      createRedisHandoffQueue(
        { redis: declaredKeysOnly(await cluster.extraClient()), namespace: `${cluster.prefix}-hq:${space}` },
        { clock },
      ),
    expire: advance,
  });

  it('puts the keys of different conversations on different masters', async () => {
    const memory = createRedisMemory({ keyPrefix: `${cluster.prefix}-spread` }, { redis: cluster.client });
    for (let i = 0; i < 30; i++) {
      await memory.appendTurn(`rest:default:s${i}`, { id: `m${i}`, user: 'hi', replies: [], at: i });
    }
    const owners = new Set<string>();
    for (const node of cluster.client.nodes('master')) {
      const [, keys] = await node.scan('0', 'MATCH', `${cluster.prefix}-spread:*`, 'COUNT', 100_000);
      if (keys.length > 0) owners.add(`${node.options.host}:${node.options.port}`);
    }
    assert.equal(owners.size, 3, 'thirty conversations hash to all three masters');
  });

  it('retries a failed delivery through BullMQ on the cluster, all its keys in one slot', async () => {
    const keyPrefix = `${cluster.prefix}-dl`;
    let calls = 0;
    const delivered: string[] = [];
    const send = (m: OutboundMessage) => {
      calls += 1;
      if (calls <= 2) {
        const error = new ChannelApiError({ channel: 'rest', method: 'send', message: 'boom', httpStatus: 502 });
        return Promise.reject(error);
      }
      delivered.push((m.parts[0] as { text: string }).text);
      return Promise.resolve({ sentAt: 0, via: 'api' as const });
    };
    const queue = createRedisDeliveryQueue(
      {
        attempts: 3,
        backoffMs: 20,
        maxBackoffMs: 100,
        concurrency: 1,
        deadLetterTtlMs: 60_000,
        redis: { kind: 'cluster', nodes: cluster.nodes },
        keyPrefix,
      },
      { send, clock: systemClock, log: silentLogger },
    );
    try {
      const receipt = await queue.send({
        conversation: { channel: 'rest', tenant: 'default', conversation: 'dl-1' },
        parts: [{ type: 'text', text: 'through the cluster' }],
        author: { kind: 'agent', agentId: 'alice' },
      });
      assert.equal(receipt.via, 'queued');
      for (let i = 0; i < 200 && delivered.length === 0; i++) await sleep(50);
      assert.deepEqual(delivered, ['through the cluster']);
      assert.equal(calls, 3, 'the inline attempt and two retries by the worker');
      assert.equal((await queue.health()).ok, true);
    } finally {
      await queue.close(2000);
    }
    const keys = await clusterKeysUnder(cluster.client, keyPrefix);
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(`${keyPrefix}:{delivery}:`)), keys.join(' '));
    const slots = new Set(await Promise.all(keys.map((k) => cluster.client.cluster('KEYSLOT', k))));
    assert.equal(slots.size, 1);
  });

  describe('two gateways with redis.cluster', () => {
    let tmp: ReturnType<typeof tempConsoleConfig> | undefined;
    let one: TestGateway | undefined;
    let two: TestGateway | undefined;
    let console2: EventCollector | undefined;
    const prefix = (): string => `${cluster.prefix}-gw`;

    before(async function () {
      const redis = { cluster: { nodes: [...cluster.nodes] }, keyPrefix: prefix() };
      tmp = tempConsoleConfig(
        `redis:\n  cluster:\n    nodes: ${JSON.stringify(redis.cluster.nodes)}\n  keyPrefix: ${prefix()}\n`,
      );
      // The CLI writes the account through its own Cluster client; both replicas read it from the cluster.
      await cliAddAgent(tmp.configPath, tmp.dir, ['alice', '--password', 'alice-password-1', '--name', 'Alice']);
      one = await startGateway({ redis, handoff: { agentsFile: tmp.agentsFile } });
      two = await startGateway({ redis, handoff: { agentsFile: tmp.agentsFile } });
      await Promise.all([one.gateway.handoff.ready(), two.gateway.handoff.ready()]);
    });

    after(async () => {
      console2?.close();
      await one?.close();
      await two?.close();
      if (tmp !== undefined) rmSync(tmp.dir, { recursive: true, force: true });
    });

    it('answers on either replica from one shared memory, and reports Redis ready', async () => {
      const session_id = `c-${randomUUID().slice(0, 8)}`;
      const first = await chat(one!.url, one!.key, { query: 'how much is the Claw Phone 15?', session_id });
      assert.equal(first.status, 200);
      assert.ok(first.body.reply.length > 0);
      const second = await chat(two!.url, two!.key, { query: 'what about the black one?', session_id });
      assert.equal(second.status, 200);
      const seen = await getSession(one!.url, one!.key, session_id);
      assert.deepEqual(
        seen.body.turns.map((t) => t.user),
        ['how much is the Claw Phone 15?', 'what about the black one?'],
      );
      assert.ok(seen.body.turns.every((t) => t.replies.length > 0));
      assert.equal(one!.gateway.stores.kind, 'redis');
      assert.equal((await one!.gateway.stores.ping()).ok, true);
      const keys = await clusterKeysUnder(cluster.client, prefix());
      assert.ok(
        keys.some((k) => k.includes(`:mem:{rest:default:${session_id}}`)),
        'the memory list is in the cluster',
      );
    });

    it('shows a ticket opened on one replica live on the other, and delivers its agent reply back', async () => {
      const alice = await loginAgent(two!.url, 'alice', 'alice-password-1');
      console2 = await openEvents(two!.url, '/api/v1/agent/events', { cookie: alice.cookie });
      await console2.waitFor((e) => e.event === 'hello');
      const session = `h-${randomUUID().slice(0, 8)}`;
      const customer = await openEvents(one!.url, `/api/v1/sessions/${session}/events`, {
        authorization: `Bearer ${one!.key}`,
      });
      try {
        const asked = await chat(one!.url, one!.key, { query: '转人工', session_id: session });
        assert.equal(asked.body.handoff, true);
        const opened = await console2.waitFor(
          (e) =>
            e.event === 'ticket' &&
            e.data['change'] === 'open' &&
            (e.data['ticket'] as { conversation: { conversation: string } }).conversation.conversation === session,
        );
        const ticketId = (opened.data['ticket'] as { id: string }).id;
        assert.equal((await agentCall(two!.url, alice, 'POST', `/tickets/${ticketId}/claim`)).status, 200);
        const reply = await agentCall(two!.url, alice, 'POST', `/tickets/${ticketId}/reply`, {
          text: 'via the cluster',
        });
        assert.equal(reply.status, 200);
        const got = await customer.waitFor((e) => e.event === 'message' && e.data['text'] === 'via the cluster');
        assert.equal(got.data['author'], 'agent');
        assert.equal((await one!.gateway.handoff.service.get(ticketId)).agentId, 'alice');
      } finally {
        customer.close();
      }
    });
  });
});
