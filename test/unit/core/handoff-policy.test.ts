import assert from 'node:assert/strict';
import { asksForHuman, decideHandoff } from '../../../core/handoff-policy.js';

describe('decideHandoff', () => {
  const cases: [number, number, boolean, string][] = [
    [0.79, 0.8, false, 'handoff:low_confidence'],
    [0.8, 0.8, false, 'answer'],
    [0.81, 0.8, false, 'answer'],
    [0.99, 0.8, true, 'handoff:user_request'],
    [0.5, 0.4, false, 'answer'],
    [0, 0.8, false, 'handoff:low_confidence'],
  ];
  for (const [confidence, threshold, asked, expected] of cases) {
    it(`confidence ${confidence} / threshold ${threshold} / asked ${asked} -> ${expected}`, () => {
      const d = decideHandoff({ confidence, threshold, userAskedForHuman: asked });
      assert.equal(d.action === 'answer' ? 'answer' : `handoff:${d.reason}`, expected);
    });
  }
});

describe('asksForHuman', () => {
  for (const t of [
    '转人工',
    '我要人工客服',
    'can I talk to a human?',
    'agent please',
    'I want a real person',
    'please connect me with someone',
  ]) {
    it(`recognises "${t}"`, () => assert.equal(asksForHuman(t), true));
  }
  for (const t of ['退货怎么办', 'where is my order', 'user agent string of my browser is odd']) {
    it(`does not fire on "${t}"`, () => assert.equal(asksForHuman(t), false));
  }
});
