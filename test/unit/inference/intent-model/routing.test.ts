import assert from 'node:assert/strict';

import { canaryPoint, inCanary } from '../../../../inference/intent-model/routing.js';

describe('canary routing', () => {
  it('is stable per key and spreads keys evenly', () => {
    assert.equal(canaryPoint('conversation-1'), canaryPoint('conversation-1'));
    const n = 10_000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (inCanary(`slack:T1:C${i}`, 0.1)) hits++;
    assert.ok(hits > 0.085 * n && hits < 0.115 * n, `hits ${hits}`);
  });

  it('routes nothing at share 0 and everything at share 1', () => {
    for (const key of ['a', 'b', 'c', '会话']) {
      assert.equal(inCanary(key, 0), false);
      assert.equal(inCanary(key, 1), true);
    }
  });
});
