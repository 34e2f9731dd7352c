import assert from 'node:assert/strict';

import { eceOf, reliabilityBins, scoreAt, thresholdFor, thresholdSweep } from '../../../../inference/eval/metrics.js';
import type { ScoredExample } from '../../../../inference/eval/metrics.js';
import { parseJsonl } from '../../../../inference/eval/jsonl.js';

const item = (gold: string, predicted: string, confidence: number): ScoredExample => ({
  text: `${gold}/${predicted}/${confidence}`,
  gold,
  predicted,
  confidence,
});

const ITEMS: ScoredExample[] = [
  item('a', 'a', 0.95), // answered correct
  item('a', 'a', 0.85), // answered correct
  item('b', 'a', 0.9), // answered wrong
  item('b', 'b', 0.5), // handed off (correct top-1)
  item('c', 'a', 0.3), // handed off (wrong top-1)
  item('oos', 'a', 0.2), // OOS handed off
  item('oos', 'b', 0.81), // OOS answered
];

describe('eval metrics', () => {
  it('computes the contract figures at a threshold', () => {
    const r = scoreAt(ITEMS, { default: 0.8 });
    assert.deepEqual(r, {
      threshold: 0.8,
      in_scope: { n: 5, top1_accuracy: 3 / 5, answered_correct: 2 / 5, answered_wrong: 1 / 5, handed_off: 2 / 5 },
      out_of_scope: { n: 2, handed_off: 1 / 2 },
    });
  });

  it('applies per-intent thresholds to the predicted intent', () => {
    const policy = { default: 0.8, perIntent: { a: 0.92 } };
    assert.equal(thresholdFor(policy, 'a'), 0.92);
    assert.equal(thresholdFor(policy, 'b'), 0.8);
    assert.equal(thresholdFor(policy, undefined), 0.8);
    const r = scoreAt(ITEMS, policy);
    // 0.85 (a) and 0.9 (b -> a) are now handed off.
    assert.equal(r.in_scope.answered_correct, 1 / 5);
    assert.equal(r.in_scope.answered_wrong, 0);
    assert.equal(r.out_of_scope.handed_off, 1 / 2);
  });

  it('sweeps thresholds monotonically', () => {
    const sweep = thresholdSweep(ITEMS);
    for (let i = 1; i < sweep.length; i++) {
      assert.ok(sweep[i]!.in_scope.handed_off >= sweep[i - 1]!.in_scope.handed_off);
      assert.ok(sweep[i]!.out_of_scope.handed_off >= sweep[i - 1]!.out_of_scope.handed_off);
    }
  });

  it('bins confidences for the reliability diagram and treats OOS as never correct', () => {
    const bins = reliabilityBins(ITEMS, 10);
    assert.equal(bins.length, 10);
    assert.equal(
      bins.reduce((s, b) => s + b.count, 0),
      ITEMS.length,
    );
    const top = bins[9]!; // 0.95 (correct), 0.9 (wrong)
    assert.equal(top.count, 2);
    assert.equal(top.accuracy, 0.5);
    const ece = eceOf(ITEMS);
    assert.ok(ece > 0 && ece < 1);
    assert.equal(eceOf([item('a', 'a', 1), item('oos', 'a', 0)]), 0);
  });

  it('parses JSON lines and rejects malformed ones with the line number', () => {
    assert.deepEqual(parseJsonl('{"text":"hi","intent":"greet"}\n\n{"text":"x","intent":"oos"}\n'), [
      { text: 'hi', intent: 'greet' },
      { text: 'x', intent: 'oos' },
    ]);
    assert.throws(() => parseJsonl('{"text":"hi"}', 'f.jsonl'), /f\.jsonl:1 needs string fields/);
    assert.throws(() => parseJsonl('{"text":"hi","intent":"a"}\nnot json', 'f.jsonl'), /f\.jsonl:2 is not valid JSON/);
  });
});
