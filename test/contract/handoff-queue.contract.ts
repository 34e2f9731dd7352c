/**
 * The HandoffQueue contract: the in-process and Redis queues run this same suite.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../core/clock.js';
import { isBotError } from '../../core/errors.js';
import type { HandoffQueue, HandoffTicket } from '../../core/ports/handoff.js';
import { openTicket, transition, type AgentRef, type TicketEvent } from '../../handoff/state-machine.js';

/** How a contract run reaches one implementation. */
export interface HandoffQueueContractSubject {
  readonly name: string;
  /** A queue on `clock` over this suite's backend; `space` is new for every test (isolation). */
  create(clock: ManualClock, space: string): HandoffQueue | Promise<HandoffQueue>;
  /** Another queue over the same `space` through a separate connection (a simulated replica). */
  replica?(clock: ManualClock, space: string): Promise<HandoffQueue>;
  /** Lets `ms` pass for stored TTLs (the clock is advanced by the suite). */
  expire?(ms: number): Promise<void>;
  setup?(ctx: Mocha.Context): Promise<void>;
  teardown?(): Promise<void>;
}

const TIMEOUT = 5 * 60_000;
const alice: AgentRef = { id: 'alice', name: 'Alice', role: 'agent' };
const bob: AgentRef = { id: 'bob', name: 'Bob', role: 'agent' };

/** Registers the queue contract suite for `subject`. */
export function runHandoffQueueContract(subject: HandoffQueueContractSubject): void {
  describe(`HandoffQueue contract: ${subject.name}`, function () {
    let clock: ManualClock;
    let queue: HandoffQueue;
    let space: string;
    const run = randomUUID().slice(0, 8);
    let seq = 0;

    const newTicket = (conversation = `c${++seq}-${run}`): HandoffTicket =>
      openTicket(
        {
          id: `t${seq}-${run}-${randomUUID().slice(0, 6)}`,
          conversation: { channel: 'rest', tenant: 'default', conversation },
          reason: 'user_request',
          lang: 'en',
          history: [{ id: 'm1', user: 'hello', replies: [], at: clock.now() }],
        },
        { now: clock.now(), timeoutMs: TIMEOUT },
      ).ticket;
    const apply = (t: HandoffTicket, event: TicketEvent): HandoffTicket => {
      const r = transition(t, event, { now: clock.now(), timeoutMs: TIMEOUT });
      if (!r.ok) assert.fail(r.message);
      return r.ticket;
    };
    const assign = (t: HandoffTicket, agent: AgentRef): HandoffTicket =>
      apply(t, { type: 'assign', agent, actor: { kind: 'agent', ...agent } });
    const opened = async (conversation?: string): Promise<HandoffTicket> => {
      clock.advance(1000);
      const t = newTicket(conversation);
      const { created } = await queue.create(t);
      assert.equal(created, true);
      return t;
    };

    before(async function () {
      await subject.setup?.(this);
    });
    beforeEach(async () => {
      clock = new ManualClock(1_700_000_000_000 + Math.floor(Math.random() * 1e9));
      space = `s${randomUUID().slice(0, 12)}`;
      queue = await subject.create(clock, space);
    });
    afterEach(async () => {
      await queue.close();
    });
    after(async () => {
      await subject.teardown?.();
    });

    it('creates a ticket that is the active one of its conversation, first in the queue', async () => {
      const t = await opened();
      assert.deepEqual(await queue.get(t.id), t);
      assert.deepEqual(await queue.active(t.conversationKey), t);
      assert.equal(await queue.position(t.id), 1);
      assert.equal(await queue.active(`rest:default:nobody-${run}`), undefined);
      assert.equal(await queue.get('no-such-ticket'), undefined);
    });

    it('returns the open ticket instead of opening a second one for the same conversation', async () => {
      const t = await opened();
      const again = newTicket(t.conversation.conversation);
      const result = await queue.create(again);
      assert.equal(result.created, false);
      assert.equal(result.ticket.id, t.id);
      assert.equal(await queue.get(again.id), undefined);
    });

    it('orders the queue by creation and moves everyone up when one is taken', async () => {
      const [a, b, c] = [await opened(), await opened(), await opened()];
      assert.deepEqual(await Promise.all([a, b, c].map((t) => queue.position(t.id))), [1, 2, 3]);
      assert.equal(await queue.update(b, assign(b, alice)), 'ok');
      assert.equal(await queue.position(b.id), undefined);
      assert.equal(await queue.position(a.id), 1);
      assert.equal(await queue.position(c.id), 2);
    });

    it('refuses a stale write with conflict and leaves the stored ticket alone', async () => {
      const t = await opened();
      const byAlice = assign(t, alice);
      assert.equal(await queue.update(t, byAlice), 'ok');
      assert.equal(await queue.update(t, assign(t, bob)), 'conflict');
      assert.equal((await queue.get(t.id))?.agentId, 'alice');
      assert.equal(
        await queue.update({ ...t, id: 'missing', conversationKey: t.conversationKey }, { ...byAlice, id: 'missing' }),
        'conflict',
      );
    });

    it('rejects a write that does not increment the version (a programming error)', async () => {
      const t = await opened();
      await assert.rejects(queue.update(t, { ...t, status: 'assigned' }), (e: unknown) => isBotError(e));
    });

    it('lets exactly one of many simultaneous claims win, across replicas', async () => {
      const stores = subject.replica === undefined ? [queue, queue] : [queue, await subject.replica(clock, space)];
      try {
        for (let round = 0; round < 5; round++) {
          const t = await opened();
          const agents = Array.from({ length: 6 }, (_, i): AgentRef => ({
            id: `agent${i}`,
            name: `A${i}`,
            role: 'agent',
          }));
          const results = await Promise.all(
            agents.map((agent, i) => stores[i % stores.length]!.update(t, assign(t, agent))),
          );
          assert.equal(results.filter((r) => r === 'ok').length, 1, `round ${round}: ${results.join(',')}`);
          assert.equal(results.filter((r) => r === 'conflict').length, agents.length - 1);
          const stored = await queue.get(t.id);
          const winner = agents[results.indexOf('ok')]!;
          assert.equal(stored?.agentId, winner.id);
          assert.equal(await queue.load(winner.id), 1);
          for (const other of agents.filter((a) => a !== winner)) assert.equal(await queue.load(other.id), 0);
          assert.equal(
            await queue.update(stored, apply(stored, { type: 'resolve', actor: { kind: 'system' } })),
            'ok',
          );
        }
      } finally {
        if (subject.replica !== undefined) await stores[1]!.close();
      }
    });

    it('refuses an assignment beyond the agent capacity, and accepts it once a seat frees up', async () => {
      const [a, b] = [await opened(), await opened()];
      const aliceA = assign(a, alice);
      assert.equal(await queue.update(a, aliceA, { maxLoad: 1 }), 'ok');
      assert.equal(await queue.update(b, assign(b, alice), { maxLoad: 1 }), 'capacity');
      assert.equal((await queue.get(b.id))?.status, 'queued');
      assert.equal(await queue.update(b, assign(b, alice), { maxLoad: 2 }), 'ok');
      assert.equal(await queue.load('alice'), 2);
      const stored = (await queue.get(b.id))!;
      const human = apply(stored, { type: 'agent_message', actor: { kind: 'agent', ...alice } });
      assert.equal(
        await queue.update(stored, human, { maxLoad: 1 }),
        'ok',
        'staying with the same agent is no new seat',
      );
    });

    it('moves the load between agents on transfer and frees it on close', async () => {
      const t = await opened();
      const assigned = assign(t, alice);
      await queue.update(t, assigned);
      const transferred = apply(assigned, {
        type: 'transfer',
        actor: { kind: 'agent', ...alice },
        to: { agent: bob },
      });
      assert.equal(await queue.update(assigned, transferred), 'ok');
      assert.equal(await queue.load('alice'), 0);
      assert.equal(await queue.load('bob'), 1);
      const toGroup = apply(transferred, { type: 'transfer', actor: { kind: 'agent', ...bob }, to: { group: 'vip' } });
      assert.equal(await queue.update(transferred, toGroup), 'ok');
      assert.equal(await queue.load('bob'), 0);
      assert.equal(await queue.position(t.id), 1, 'back in the queue at its original place');
      const closed = apply(toGroup, { type: 'return_to_bot', actor: { kind: 'customer' } });
      assert.equal(await queue.update(toGroup, closed), 'ok');
      assert.equal(await queue.position(t.id), undefined);
    });

    it('forgets the active ticket on close, so the conversation can be handed off again', async () => {
      const t = await opened();
      clock.advance(10);
      const closed = apply(t, { type: 'return_to_bot', actor: { kind: 'customer' } });
      assert.equal(await queue.update(t, closed), 'ok');
      assert.equal(await queue.active(t.conversationKey), undefined);
      assert.deepEqual(await queue.get(t.id), closed);
      const second = newTicket(t.conversation.conversation);
      assert.equal((await queue.create(second)).created, true);
      assert.equal((await queue.active(t.conversationKey))?.id, second.id);
      const rated = await queue.get(t.id);
      assert.equal(rated?.status, 'returned_to_bot');
    });

    it('keeps updating closed tickets (survey score) without reopening them', async () => {
      const t = await opened();
      const assigned = assign(t, alice);
      await queue.update(t, assigned);
      const resolved = apply(assigned, { type: 'resolve', actor: { kind: 'agent', ...alice } });
      await queue.update(assigned, resolved);
      const rated = apply(resolved, { type: 'rate', score: 4 });
      assert.equal(await queue.update(resolved, rated), 'ok');
      assert.equal((await queue.get(t.id))?.satisfaction, 4);
      assert.equal(await queue.active(t.conversationKey), undefined);
      assert.equal(await queue.load('alice'), 0);
    });

    it('lists by status and agent: open oldest first, closed newest first, closedSince', async () => {
      const [a, b, c, d] = [await opened(), await opened(), await opened(), await opened()];
      await queue.update(b, assign(b, alice));
      clock.advance(100);
      const cClosed = apply(c, { type: 'return_to_bot', actor: { kind: 'customer' } });
      await queue.update(c, cClosed);
      clock.advance(100);
      const dClosed = apply(d, { type: 'return_to_bot', actor: { kind: 'customer' } });
      await queue.update(d, dClosed);
      const ids = (list: HandoffTicket[]) => list.map((t) => t.id);
      assert.deepEqual(ids(await queue.list({ status: 'queued' })), [a.id]);
      assert.deepEqual(ids(await queue.list({ status: ['queued', 'assigned', 'human'] })), [a.id, b.id]);
      assert.deepEqual(ids(await queue.list({ agentId: 'alice', status: ['assigned', 'human'] })), [b.id]);
      assert.deepEqual(ids(await queue.list({ status: 'returned_to_bot' })), [d.id, c.id]);
      assert.deepEqual(ids(await queue.list({ status: 'returned_to_bot', closedSince: clock.now() - 50 })), [d.id]);
      assert.deepEqual(ids(await queue.list()), [a.id, b.id, d.id, c.id]);
      assert.deepEqual(ids(await queue.list({ limit: 1 })), [a.id]);
    });

    it('appends transcript entries in order per ticket', async () => {
      const [a, b] = [await opened(), await opened()];
      await queue.appendTranscript(a.id, { role: 'customer', text: 'one', at: 1 });
      await queue.appendTranscript(b.id, { role: 'customer', text: 'other', at: 2 });
      await queue.appendTranscript(a.id, { role: 'agent', text: 'two', at: 3, agentId: 'alice', agentName: 'Alice' });
      assert.deepEqual(await queue.transcript(a.id), [
        { role: 'customer', text: 'one', at: 1 },
        { role: 'agent', text: 'two', at: 3, agentId: 'alice', agentName: 'Alice' },
      ]);
      assert.deepEqual(await queue.transcript('none'), []);
    });

    it('lets presence lapse after its TTL unless reported again', async () => {
      await queue.setPresence({ agentId: `alice-${run}`, online: true, at: clock.now() }, 60_000);
      await queue.setPresence({ agentId: `bob-${run}`, online: false, at: clock.now() }, 60_000);
      const mine = async () => (await queue.presence()).filter((p) => p.agentId.endsWith(run));
      assert.deepEqual(
        (await mine()).map((p) => [p.agentId, p.online]),
        [
          [`alice-${run}`, true],
          [`bob-${run}`, false],
        ],
      );
      clock.advance(30_000);
      await queue.setPresence({ agentId: `alice-${run}`, online: true, at: clock.now() }, 60_000);
      clock.advance(40_000);
      assert.deepEqual(
        (await mine()).map((p) => p.agentId),
        [`alice-${run}`],
      );
      clock.advance(30_000);
      assert.deepEqual(await mine(), []);
    });

    it('hands out an increasing round-robin cursor shared by replicas', async () => {
      const stores = subject.replica === undefined ? [queue, queue] : [queue, await subject.replica(clock, space)];
      try {
        const seen = [] as number[];
        for (let i = 0; i < 6; i++) seen.push(await stores[i % stores.length]!.nextCursor());
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `${seen.join(',')}`);
        assert.equal(new Set(seen).size, seen.length);
      } finally {
        if (subject.replica !== undefined) await stores[1]!.close();
      }
    });

    it('counts bot turns per hour for handoff rates', async () => {
      const before = await queue.turnsSince(clock.now() - 3_600_000);
      await queue.countTurn(clock.now());
      await queue.countTurn(clock.now());
      assert.equal(await queue.turnsSince(clock.now() - 3_600_000), before + 2);
    });

    it('drops closed tickets and their transcripts after the retention period, never open ones', async function () {
      if (subject.expire === undefined) this.skip();
      const [open, done] = [await opened(), await opened()];
      await queue.appendTranscript(done.id, { role: 'customer', text: 'bye', at: clock.now() });
      const closed = apply(done, { type: 'return_to_bot', actor: { kind: 'customer' } });
      await queue.update(done, closed);
      const week = 7 * 24 * 3_600_000;
      clock.advance(week + 1000);
      await subject.expire(week + 1000);
      assert.equal(await queue.get(done.id), undefined);
      assert.deepEqual(await queue.transcript(done.id), []);
      assert.deepEqual(
        (await queue.list({ status: 'returned_to_bot' })).map((t) => t.id).filter((id) => id === done.id),
        [],
      );
      assert.equal((await queue.get(open.id))?.status, 'queued');
    });
  });
}
