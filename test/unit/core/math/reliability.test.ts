import assert from 'node:assert/strict';
import { reliability, reliabilitySums } from '../../../../core/math/reliability.js';

describe('reliability of probabilities (core/math)', () => {
  it('measures accuracy against confidence per bin, ECE and Brier score, weighted and rounded', () => {
    const r = reliability([
      { p: 0.9, y: true },
      { p: 0.9, y: false },
      { p: 0.1, y: false },
      { p: 0.1, y: false, weight: 2 },
    ]);
    assert.equal(r.bins.length, 2);
    // Bin 0.9: accuracy 0.5 (gap 0.4, weight 2 of 5); bin 0.1: accuracy 0 (gap 0.1, weight 3 of 5).
    assert.equal(r.ece, 0.22);
    assert.equal(r.brier, Math.round(((0.01 + 0.81 + 0.01 + 2 * 0.01) / 5) * 10_000) / 10_000);
    assert.deepEqual(
      r.bins.map((b) => [b.from, b.share, b.accuracy]),
      [
        [0.1, 0.6, 0],
        [0.9, 0.4, 0.5],
      ],
    );
  });

  it('keeps every bin in the raw sums, puts a confidence of 1 in the last one and leaves NaN out', () => {
    const sums = reliabilitySums(
      [
        { p: 1, y: true },
        { p: 0, y: false },
        { p: Number.NaN, y: true },
      ],
      4,
    );
    assert.deepEqual(
      sums.bins.map((b) => b.weight),
      [1, 0, 0, 1],
    );
    assert.equal(sums.total, 2);
    assert.equal(sums.ece, 0);
  });

  it('gives zeros for no predictions', () => {
    assert.deepEqual(reliability([]), { ece: 0, brier: 0, bins: [] });
    assert.equal(reliabilitySums([]).ece, 0);
  });
});
