import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import type { OutboundMessage } from '../../../core/envelope.js';
import { claimNote, OutboundLedger } from '../../../core/outbound-ledger.js';
import { silentLogger } from '../../../core/logger.js';
import { createInstances } from '../../../gateway/flow/instances.js';
import { claimOwner, LeasedOutboundLedger } from '../../../gateway/flow/leased-ledger.js';
import { createInProcessKeyValue, createInProcessLocks } from '../../../memory/index.js';

const reply: OutboundMessage = {
  conversation: { channel: 'wechat_official', tenant: 'wx1', conversation: 'openid' },
  parts: [{ type: 'text', text: 'answer' }],
  replyTo: 'msg-1',
  author: { kind: 'bot' },
};

describe('outbound ledger: noted claims', () => {
  for (const kind of ['plain', 'leased'] as const) {
    it(`${kind}: a claim keeps its note; a voided claim is superseded by exactly one caller, once`, async () => {
      const clock = new ManualClock();
      const kv = createInProcessKeyValue({ clock });
      const ledger =
        kind === 'plain'
          ? new OutboundLedger(kv)
          : new LeasedOutboundLedger(
              kv,
              createInProcessLocks({ clock }),
              createInstances({ id: 'P1' }, { kv, log: silentLogger }),
            );
      assert.equal(await ledger.note(reply), undefined, 'unclaimed');
      assert.equal(await ledger.claim(reply, 0, 'passive:1'), true);
      assert.equal(await ledger.claim(reply, 0, 'passive:2'), false, 'at most once');
      assert.equal(await ledger.note(reply), 'passive:1');
      assert.equal(await ledger.supersede(reply, 0, 'passive:9', 'passive:2'), false, 'only the named claim');
      const both = await Promise.all([
        ledger.supersede(reply, 0, 'passive:1', 'passive:2'),
        ledger.supersede(reply, 0, 'passive:1', 'late'),
      ]);
      assert.equal(both.filter(Boolean).length, 1, 'one caller takes the voided claim');
      const now = await ledger.note(reply);
      assert.ok(now === 'passive:2' || now === 'late');
      assert.equal(await ledger.supersede(reply, 0, 'passive:1', 'late'), false, 'and only once');
      assert.equal(await ledger.claim(reply, 1), true, 'other slots are independent');
      assert.equal(await ledger.note(reply, 1), undefined, 'a claim without a note');
    });
  }

  it('claim values: note after the first ";", owner before it', () => {
    assert.equal(claimNote('1;passive:2'), 'passive:2');
    assert.equal(claimNote('owner:abc;late'), 'late');
    assert.equal(claimNote('1'), undefined);
    assert.equal(claimNote(undefined), undefined);
    assert.equal(claimOwner('owner:abc;passive:1'), 'abc');
    assert.equal(claimOwner('owner:abc'), 'abc');
  });
});
