import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import type { OutboundMessage } from '../../../core/envelope.js';
import { silentLogger } from '../../../core/logger.js';
import { createInstances, instanceKey } from '../../../gateway/flow/instances.js';
import { claimOwner, LeasedOutboundLedger } from '../../../gateway/flow/leased-ledger.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../memory/index.js';

const reply: OutboundMessage = {
  conversation: { channel: 'wechat_official', tenant: 'wx1', conversation: 'openid' },
  parts: [{ type: 'text', text: 'answer' }],
  replyTo: 'msg-1',
  author: { kind: 'bot' },
};

describe('leased outbound ledger: claims of dead replicas are taken over', () => {
  it("a live owner keeps its claim; a dead owner's claim goes to one redelivery", async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const locks = createInProcessLocks({ clock });
    const a = createInstances({ id: 'A', ttlMs: 3000 }, { kv, log: silentLogger });
    const b = createInstances({ id: 'B', ttlMs: 3000 }, { kv, log: silentLogger });
    const c = createInstances({ id: 'C', ttlMs: 3000 }, { kv, log: silentLogger });
    await a.start();
    await b.start();
    await c.start();
    const onA = new LeasedOutboundLedger(kv, locks, a);
    const onB = new LeasedOutboundLedger(kv, locks, b);
    const onC = new LeasedOutboundLedger(kv, locks, c);
    assert.equal(await onA.claim(reply), true);
    assert.equal(await onB.claim(reply), false, 'A is alive: never twice');
    assert.equal(await onA.claim(reply), false, 'not even by A itself');
    await a.stop(); // A is gone (its key lapses; stop() removes it at once)
    assert.equal(await b.isAlive('A'), false);
    const [first, second] = await Promise.all([onB.claim(reply), onC.claim(reply)]);
    assert.equal(Number(first) + Number(second), 1, 'exactly one redelivery takes it over');
    await b.stop();
    await c.stop();
  });

  it('unnamed (legacy) claims and messages that answer nothing behave as before', async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const ledger = new LeasedOutboundLedger(
      kv,
      createInProcessLocks({ clock }),
      createInstances({ id: 'X' }, { kv, log: silentLogger }),
    );
    await kv.set('outbox:{wechat_official:wx1}:msg-1:0', '1', 60_000);
    assert.equal(await ledger.claim(reply), false);
    const { replyTo: _replyTo, ...proactive } = reply;
    assert.equal(await ledger.claim(proactive), true);
    assert.equal(claimOwner('owner:abc'), 'abc');
    assert.equal(claimOwner('1'), undefined);
    assert.equal(instanceKey('abc'), 'instance:{abc}');
  });

  it('an instance that stops renewing is dead once its TTL passes', async () => {
    const clock = new ManualClock();
    const kv = createInProcessKeyValue({ clock });
    const a = createInstances({ id: 'A', ttlMs: 3000, renewMs: 60_000 }, { kv, log: silentLogger });
    const watcher = createInstances({ id: 'W' }, { kv, log: silentLogger });
    await a.start();
    assert.equal(await watcher.isAlive('A'), true);
    clock.advance(3000);
    assert.equal(await watcher.isAlive('A'), false);
    await a.stop();
  });
});
