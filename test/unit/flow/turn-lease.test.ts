import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { createDispatcher, type Dispatch } from '../../../core/dispatcher.js';
import { silentLogger } from '../../../core/logger.js';
import type { DialogueEngine } from '../../../core/ports/dialogue.js';
import type { KeyValue } from '../../../core/ports/kv.js';
import { createPipeline } from '../../../gateway/app/pipeline.js';
import { createTurnLease, leaseKey, readLease } from '../../../gateway/flow/turn-lease.js';
import { createInProcessKeyValue, createInProcessLocks, createInProcessMemory } from '../../../memory/index.js';
import { userMessage } from '../../helpers/messages.js';

const event = userMessage('wechat_official', 'wx1', 'openid-7', '你好', { id: 'wx-msg-7' });

/** Two replicas sharing one store; `dies()` makes replica A's store writes fail (as if its process were gone). */
function replicas() {
  const clock = new ManualClock();
  const shared = createInProcessKeyValue({ clock });
  const locks = createInProcessLocks({ clock });
  let aDead = false;
  const aKv: KeyValue = {
    ...shared,
    set: (k, v, ttl) => (aDead ? Promise.reject(new Error('process gone')) : shared.set(k, v, ttl)),
  };
  let release!: () => void;
  const hanging = new Promise<void>((r) => (release = r));
  const replica = (kv: KeyValue, engine: DialogueEngine): Dispatch =>
    createDispatcher({
      pipeline: createPipeline({
        kv,
        locks,
        memory: createInProcessMemory({ turns: 5, ttlMs: 60_000 }, { clock }),
        engine,
        apology: () => 'sorry',
        lockTtlMs: 5000, // the dead replica's conversation lock lapses after this
        lockWaitMs: 30_000,
        turnLease: createTurnLease({ leaseMs: 3000, renewMs: 10_000 }, { kv, locks }),
      }),
      clock,
      log: silentLogger,
      sendFor: () => () => Promise.resolve({ sentAt: 0 }),
    });
  const answer: DialogueEngine = {
    ready: () => true,
    respond: () =>
      Promise.resolve({
        reply: [{ type: 'text', text: 'answer' }],
        understanding: { intent: 'greet', confidence: 1, handoff: false, sources: [] },
      }),
  };
  const stuck: DialogueEngine = { ready: () => true, respond: () => hanging.then(() => answer.respond({} as never)) };
  return {
    clock,
    shared,
    a: replica(aKv, stuck),
    b: replica(shared, answer),
    dies: () => (aDead = true),
    finishA: () => release(),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('turn lease: a retry takes over a message whose replica died mid-turn', () => {
  it('while A is alive (lease renewed or fresh) a retry on B is a duplicate; once A is done it stays one', async () => {
    const r = replicas();
    const first = r.a(event);
    await settle();
    assert.equal((await r.b(event)).status, 'duplicate', 'A holds a live lease');
    r.finishA();
    assert.equal((await first).status, 'handled');
    r.clock.advance(60_000);
    assert.equal((await r.b(event)).status, 'duplicate', 'done: never answered twice');
  });

  it('when A dies before answering, the retry on B runs the turn once the lease lapsed', async () => {
    const r = replicas();
    void r.a(event); // never finishes
    await settle();
    r.dies();
    assert.equal((await r.b(event)).status, 'duplicate', 'within the lease the retry waits (dedupe)');
    r.clock.advance(3000);
    const retry = r.b(event);
    await settle();
    r.clock.advance(2000); // and the conversation lock A held
    const taken = await retry;
    assert.equal(taken.status, 'handled', 'taken over');
    assert.equal(taken.replies.length, 1);
    const lease = readLease(await r.shared.get(leaseKey(event, taken.turnId)));
    assert.equal(lease.state, 'done');
    assert.deepEqual(
      lease.state === 'done' ? lease.record?.replies.map((m) => m.parts) : undefined,
      [[{ type: 'text', text: 'answer' }]],
      'done, with what it sent',
    );
    assert.equal((await r.b(event)).status, 'duplicate', 'and only once');
  });

  it('a retry of a finished turn is a duplicate carrying what that turn sent, its apology included', async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const locks = createInProcessLocks({ clock });
    const failing: DialogueEngine = { ready: () => true, respond: () => Promise.reject(new Error('engine down')) };
    const dispatch = createDispatcher({
      pipeline: createPipeline({
        kv,
        locks,
        memory: createInProcessMemory({ turns: 5, ttlMs: 60_000 }, { clock }),
        engine: failing,
        apology: () => 'sorry',
        turnLease: createTurnLease({}, { kv, locks }),
      }),
      clock,
      log: silentLogger,
      sendFor: () => () => Promise.resolve({ sentAt: 0 }),
    });
    const first = await dispatch(event);
    assert.equal(first.status, 'failed');
    assert.equal(first.original, undefined);
    const retry = await dispatch(event);
    assert.equal(retry.status, 'duplicate');
    assert.deepEqual(
      retry.original?.replies.map((m) => m.parts),
      [[{ type: 'text', text: 'sorry' }]],
      'the apology the error boundary sent after the turn',
    );
  });

  it('running(): only while a live lease holds the turn, not before, once done, or once its replica died', async () => {
    for (const end of ['done', 'died'] as const) {
      const r = replicas();
      const leases = createTurnLease({}, { kv: r.shared, locks: createInProcessLocks({ clock: r.clock }) });
      assert.equal(await leases.running(event), false, 'no turn took it yet');
      const first = r.a(event);
      await settle();
      assert.equal(await leases.running(event), true, 'A runs it');
      if (end === 'done') {
        r.finishA();
        await first;
        assert.equal(await leases.running(event), false, 'A finished it');
      } else {
        r.dies();
        r.clock.advance(2999);
        assert.equal(await leases.running(event), true, 'A’s lease is still alive');
        r.clock.advance(1);
        assert.equal(await leases.running(event), false, 'A’s lease lapsed');
      }
    }
  });

  it('lease values: running, done with or without a record (earlier versions), nothing', () => {
    assert.deepEqual(readLease(undefined), { state: 'orphaned' });
    assert.deepEqual(readLease('running'), { state: 'running' });
    assert.deepEqual(readLease('done'), { state: 'done', record: undefined });
    assert.deepEqual(readLease('{"done":true,"replies":[]}'), { state: 'done', record: { done: true, replies: [] } });
  });

  it('leaseKey shares the hash tag of the dedupe key', () => {
    assert.equal(leaseKey(event, 't1'), 'lease:{wechat_official:wx1}:t1');
  });
});
