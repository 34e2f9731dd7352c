import assert from 'node:assert/strict';
import type { InboundEvent, InboundMessage } from '../../../core/envelope.js';
import {
  countInWindow,
  countsAgainstUserLimit,
  decideFromCount,
  endUserKey,
  retryAfterSeconds,
  type WindowState,
} from '../../../gateway/flow/decisions.js';
import { textMessage } from '../../helpers/messages.js';

function message(channel: string, tenant: string, sender: string): InboundMessage {
  return textMessage('hi', { conversation: { channel, tenant, conversation: 'c1' }, sender: { id: sender } });
}

describe('flow decisions (pure)', () => {
  describe('countInWindow', () => {
    it('allows `points` messages in a window, refuses the next with the time left, and starts again after it', () => {
      let state: WindowState | undefined;
      const decisions = [];
      for (let i = 0; i < 4; i++) {
        const r = countInWindow(state, 1000 + i * 100, 3, 60_000);
        state = r.state;
        decisions.push(r.decision);
      }
      assert.deepEqual(
        decisions.map((d) => d.allowed),
        [true, true, true, false],
      );
      assert.deepEqual(
        decisions.map((d) => d.remaining),
        [2, 1, 0, 0],
      );
      assert.equal(decisions[3]?.retryAfterMs, 60_000 - 300, 'the window started at the first message');
      const after = countInWindow(state, 1000 + 60_000, 3, 60_000);
      assert.equal(after.decision.allowed, true, 'a new window');
      assert.equal(after.state.count, 1);
    });

    it('never mutates the state it is given', () => {
      const state: WindowState = Object.freeze({ count: 1, resetAt: 5000 });
      countInWindow(state, 1000, 3, 60_000);
      assert.deepEqual(state, { count: 1, resetAt: 5000 });
    });
  });

  it('decideFromCount: refuses above the limit, never a negative wait', () => {
    assert.deepEqual(decideFromCount(20, 1000, 20), { allowed: true, remaining: 0, retryAfterMs: 1000 });
    assert.deepEqual(decideFromCount(21, -5, 20), { allowed: false, remaining: 0, retryAfterMs: 0 });
  });

  it('retryAfterSeconds rounds up and is at least 1', () => {
    assert.equal(retryAfterSeconds(0), 1);
    assert.equal(retryAfterSeconds(1), 1);
    assert.equal(retryAfterSeconds(1001), 2);
    assert.equal(retryAfterSeconds(59_999), 60);
  });

  describe('endUserKey: the person behind an event on each channel', () => {
    const cases: [string, string, string, string][] = [
      ['wechat_official', 'wx0123456789abcdef', 'oOPENID123', 'wechat_official:wx0123456789abcdef:oOPENID123'],
      ['dingtalk', 'ding-corp', 'staff-42', 'dingtalk:ding-corp:staff-42'],
      ['slack', 'T0TEAM', 'U0USER', 'slack:T0TEAM:U0USER'],
      ['rest', 'default', 'user-7', 'rest:default:user-7'],
    ];
    for (const [channel, tenant, sender, key] of cases) {
      it(`${channel}: ${key}`, () => assert.equal(endUserKey(message(channel, tenant, sender)), key));
    }
    it('no key without a sender id', () => assert.equal(endUserKey(message('slack', 'T', '')), undefined));
  });

  it('countsAgainstUserLimit: customer messages only, exempt channels excluded', () => {
    const event: InboundEvent = {
      kind: 'conversation.started',
      id: 'e',
      receivedAt: 0,
      conversation: { channel: 'wechat_official', tenant: 't', conversation: 'c' },
      sender: { id: 'u' },
      raw: null,
    };
    assert.equal(countsAgainstUserLimit(message('slack', 'T', 'U'), ['rest']), true);
    assert.equal(countsAgainstUserLimit(message('rest', 'default', 'U'), ['rest']), false);
    assert.equal(countsAgainstUserLimit(event, ['rest']), false);
  });
});
