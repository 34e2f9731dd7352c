/**
 * The ConversationMemory contract: every implementation (in-process, Redis) runs this same suite.
 * Usage: `runMemoryContract({ name: 'in-process', create: (o, ns) => ..., advance: (ms) => ... })`.
 */
import assert from 'node:assert/strict';
import type { ConversationMemory, MemoryOptions, MemoryTurn, TurnReply } from '../../core/ports/memory.js';
import { assertBotError, settle } from './support.js';

/** How a contract run reaches one implementation. */
export interface MemoryContractSubject {
  readonly name: string;
  /**
   * A store over this suite's backend. Stores in different `namespace`s (tenants) must never see each other's data.
   * Invalid options must make this throw/reject `config.invalid`.
   */
  create(options: Partial<MemoryOptions>, namespace?: string): ConversationMemory | Promise<ConversationMemory>;
  /** Lets `ms` of time pass for the backend's TTLs. Without it the TTL tests are skipped. */
  advance?(ms: number): Promise<void>;
  /** Runs in `before` (e.g. connect to Redis, or `ctx.skip()`). */
  setup?(ctx: Mocha.Context): Promise<void>;
  /** Runs in `after`. */
  teardown?(): Promise<void>;
}

const TTL = 10_000;

/** Registers the memory contract suite for `subject`. */
export function runMemoryContract(subject: MemoryContractSubject): void {
  describe(`ConversationMemory contract: ${subject.name}`, function () {
    const open: ConversationMemory[] = [];
    let seq = 0;
    const newKey = (): string => `wechat:acme:user-${++seq}`;
    const store = async (options: Partial<MemoryOptions> = {}, namespace?: string): Promise<ConversationMemory> => {
      const created = await subject.create({ turns: 5, ttlMs: TTL, ...options }, namespace);
      open.push(created);
      return created;
    };
    const advance = async (ctx: Mocha.Context, ms: number): Promise<void> => {
      if (subject.advance === undefined) ctx.skip();
      await subject.advance(ms);
    };

    before(async function () {
      await subject.setup?.(this);
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    after(async () => {
      await subject.teardown?.();
    });

    it('returns no turns for an unknown conversation', async () => {
      const memory = await store();
      assert.deepEqual(await memory.recent(newKey()), []);
    });

    it('returns turns oldest first, with their replies and meta intact', async () => {
      const memory = await store();
      const key = newKey();
      const turns = [
        turn(1, { replies: [reply('bot', 'hello!')] }),
        turn(2, { meta: { intent: 'order.status', topic: 'orders' } }),
        turn(3, { replies: [reply('agent', 'on it', 'agent-7'), reply('system', 'handed off')] }),
      ];
      for (const t of turns) await memory.appendTurn(key, t);
      assert.deepEqual(await memory.recent(key), turns);
    });

    it('keeps only the last N turns: 7 appended -> the last 5 in order', async () => {
      const memory = await store({ turns: 5 });
      const key = newKey();
      for (let i = 1; i <= 7; i++) await memory.appendTurn(key, turn(i));
      assert.deepEqual(ids(await memory.recent(key)), ['m3', 'm4', 'm5', 'm6', 'm7']);
    });

    it('keeps turns in arrival order (by at) when they are stored out of order, trimming the earliest', async () => {
      const memory = await store({ turns: 5 });
      const key = newKey();
      // processed in this order (e.g. on two replicas), arrived in numeric order
      for (const i of [1, 4, 2, 7, 3, 6, 5]) await memory.appendTurn(key, turn(i));
      assert.deepEqual(ids(await memory.recent(key)), ['m3', 'm4', 'm5', 'm6', 'm7']);
      // a turn older than everything kept is trimmed straight away
      await memory.appendTurn(key, turn(2));
      assert.deepEqual(ids(await memory.recent(key)), ['m3', 'm4', 'm5', 'm6', 'm7']);
    });

    it('keeps equal arrival times in storage order', async () => {
      const memory = await store({ turns: 5 });
      const key = newKey();
      await memory.appendTurn(key, { ...turn(1), at: 500 });
      await memory.appendTurn(key, { ...turn(2), at: 500 });
      assert.deepEqual(ids(await memory.recent(key)), ['m1', 'm2']);
    });

    it('honours a configured window other than 5', async () => {
      const memory = await store({ turns: 2 });
      const key = newKey();
      for (let i = 1; i <= 4; i++) await memory.appendTurn(key, turn(i));
      assert.deepEqual(ids(await memory.recent(key)), ['m3', 'm4']);
    });

    it('defaults to a window of 5 turns', async () => {
      const memory = await subject.create({ ttlMs: TTL });
      open.push(memory);
      const key = newKey();
      for (let i = 1; i <= 6; i++) await memory.appendTurn(key, turn(i));
      assert.deepEqual(ids(await memory.recent(key)), ['m2', 'm3', 'm4', 'm5', 'm6']);
    });

    it('round-trips text with newlines, quotes, braces and non-ASCII characters', async () => {
      const memory = await store();
      const key = newKey();
      const odd = turn(1, {
        user: 'line one\nline two "quoted" {braces} \\ 你好 🚀',
        replies: [reply('bot', 'a\nb\r\nc\t"d"')],
        meta: { 'k\nx': 'v\n"y"' },
      });
      await memory.appendTurn(key, odd);
      await memory.addReply(key, 'm1', reply('agent', 'second\nreply', 'agent\n1'));
      const [stored] = await memory.recent(key);
      assert.deepEqual(stored, { ...odd, replies: [...odd.replies, reply('agent', 'second\nreply', 'agent\n1')] });
    });

    it('does not let callers mutate stored turns through returned values', async () => {
      const memory = await store();
      const key = newKey();
      const original = turn(1, { replies: [reply('bot', 'hi')] });
      await memory.appendTurn(key, original);
      const first = await memory.recent(key);
      (first[0]!.replies as TurnReply[]).push(reply('bot', 'injected'));
      first.pop();
      assert.deepEqual(await memory.recent(key), [original]);
    });

    it('attaches replies to the turn with the given id, in order', async () => {
      const memory = await store();
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await memory.appendTurn(key, turn(2, { replies: [reply('bot', 'existing')] }));
      await memory.appendTurn(key, turn(3));
      await memory.addReply(key, 'm2', reply('agent', 'first', 'agent-1'));
      await memory.addReply(key, 'm1', reply('bot', 'late'));
      await memory.addReply(key, 'm2', reply('system', 'second'));
      const recent = await memory.recent(key);
      assert.deepEqual(
        recent.map((t) => t.replies.map((r) => r.text)),
        [['late'], ['existing', 'first', 'second'], []],
      );
      assert.deepEqual(recent[1]!.replies[1], reply('agent', 'first', 'agent-1'));
    });

    it('ignores addReply for a turn that was trimmed away', async () => {
      const memory = await store({ turns: 5 });
      const key = newKey();
      for (let i = 1; i <= 6; i++) await memory.appendTurn(key, turn(i));
      const before = await memory.recent(key);
      await memory.addReply(key, 'm1', reply('bot', 'too late'));
      assert.deepEqual(await memory.recent(key), before);
    });

    it('ignores addReply for an unknown conversation (does not create it)', async () => {
      const memory = await store();
      const key = newKey();
      await memory.addReply(key, 'm1', reply('bot', 'nobody home'));
      assert.deepEqual(await memory.recent(key), []);
    });

    it('keeps conversations apart, and clear() forgets only one', async () => {
      const memory = await store();
      const [a, b] = [newKey(), newKey()];
      await memory.appendTurn(a, turn(1));
      await memory.appendTurn(b, turn(2));
      await memory.addReply(b, 'm1', reply('bot', 'wrong conversation'));
      assert.deepEqual(ids(await memory.recent(a)), ['m1']);
      assert.deepEqual((await memory.recent(a))[0]!.replies, []);
      await memory.clear(a);
      assert.deepEqual(await memory.recent(a), []);
      assert.deepEqual(ids(await memory.recent(b)), ['m2']);
      await memory.clear(newKey());
    });

    it('keeps tenants (namespaces) apart for the same conversation key', async () => {
      const acme = await store({}, 'tenant-acme');
      const globex = await store({}, 'tenant-globex');
      const key = newKey();
      await acme.appendTurn(key, turn(1));
      await globex.appendTurn(key, turn(2));
      assert.deepEqual(ids(await acme.recent(key)), ['m1']);
      assert.deepEqual(ids(await globex.recent(key)), ['m2']);
      await globex.clear(key);
      assert.deepEqual(ids(await acme.recent(key)), ['m1']);
    });

    it('keeps exactly the last 5 of 20 concurrent appends, none corrupted', async () => {
      const memory = await store({ turns: 5 });
      const key = newKey();
      const turns = Array.from({ length: 20 }, (_, i) => turn(i + 1, { replies: [reply('bot', `r${i + 1}`)] }));
      await Promise.all(turns.map((t) => memory.appendTurn(key, t)));
      assert.deepEqual(await memory.recent(key), turns.slice(15));
    });

    it('loses no reply under 20 concurrent addReply calls to one turn', async () => {
      const memory = await store();
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await memory.appendTurn(key, turn(2));
      const texts = Array.from({ length: 20 }, (_, i) => `reply-${i}`);
      await Promise.all(texts.map((text) => memory.addReply(key, 'm1', reply('bot', text))));
      const [first, second] = await memory.recent(key);
      assert.deepEqual(first!.replies.map((r) => r.text).sort(), [...texts].sort());
      assert.deepEqual(second!.replies, []);
    });

    it('expires a conversation after ttlMs without activity', async function () {
      const memory = await store({ ttlMs: TTL });
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await advance(this, TTL * 0.6);
      assert.deepEqual(ids(await memory.recent(key)), ['m1']);
      await advance(this, TTL * 0.5);
      assert.deepEqual(await memory.recent(key), []);
    });

    it('refreshes the TTL on appendTurn', async function () {
      const memory = await store({ ttlMs: TTL });
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await advance(this, TTL * 0.6);
      await memory.appendTurn(key, turn(2));
      await advance(this, TTL * 0.6);
      assert.deepEqual(ids(await memory.recent(key)), ['m1', 'm2']);
      await advance(this, TTL * 0.5);
      assert.deepEqual(await memory.recent(key), []);
    });

    it('refreshes the TTL on addReply', async function () {
      const memory = await store({ ttlMs: TTL });
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await advance(this, TTL * 0.6);
      await memory.addReply(key, 'm1', reply('agent', 'still here', 'a1'));
      await advance(this, TTL * 0.6);
      assert.deepEqual((await memory.recent(key))[0]?.replies.length, 1);
      await advance(this, TTL * 0.5);
      assert.deepEqual(await memory.recent(key), []);
    });

    it('does not refresh the TTL when addReply finds no turn', async function () {
      const memory = await store({ ttlMs: TTL });
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await advance(this, TTL * 0.6);
      await memory.addReply(key, 'no-such-turn', reply('bot', 'x'));
      await advance(this, TTL * 0.5);
      assert.deepEqual(await memory.recent(key), []);
    });

    it('starts afresh after expiry', async function () {
      const memory = await store({ ttlMs: TTL });
      const key = newKey();
      await memory.appendTurn(key, turn(1));
      await advance(this, TTL * 1.1);
      await memory.appendTurn(key, turn(2));
      assert.deepEqual(ids(await memory.recent(key)), ['m2']);
    });

    it('rejects invalid options with config.invalid', async () => {
      for (const bad of [{ turns: 0 }, { turns: 1.5 }, { ttlMs: 0 }, { ttlMs: -5 }, { ttlMs: Number.NaN }]) {
        assertBotError(await settle(Promise.resolve().then(() => subject.create(bad))), 'config.invalid');
      }
    });

    it('close() resolves and may be called twice', async () => {
      const memory = await subject.create({ ttlMs: TTL });
      await memory.close();
      await memory.close();
    });
  });
}

function turn(n: number, extra: Partial<MemoryTurn> = {}): MemoryTurn {
  return { id: `m${n}`, user: `message ${n}`, replies: [], at: 1_700_000_000_000 + n, ...extra };
}

function reply(author: TurnReply['author'], text: string, agentId?: string): TurnReply {
  return agentId === undefined
    ? { author, text, at: 1_700_000_100_000 }
    : { author, text, at: 1_700_000_100_000, agentId };
}

function ids(turns: readonly MemoryTurn[]): string[] {
  return turns.map((t) => t.id);
}
