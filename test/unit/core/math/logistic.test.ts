import assert from 'node:assert/strict';
import { fitLogistic, predictLogistic, sigmoid, solveLinear } from '../../../../core/math/logistic.js';

describe('logistic regression (core/math)', () => {
  it('sigmoid is stable at the extremes', () => {
    assert.equal(sigmoid(0), 0.5);
    assert.ok(sigmoid(1000) === 1 && sigmoid(-1000) === 0);
  });

  it('solves linear systems, and reports singular ones', () => {
    const x = solveLinear(
      [
        [2, 1, 0],
        [1, 3, 1],
        [0, 1, 4],
      ],
      [3, 5, 5],
    );
    assert.ok(x !== undefined);
    x.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-9));
    assert.equal(
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
      undefined,
    );
  });

  it('fits a model that separates its classes, deterministically', () => {
    const samples = Array.from({ length: 40 }, (_, i) => ({ x: [i / 40, (i % 3) / 3], y: i >= 20 }));
    const a = fitLogistic(samples, { l2: 0.01 });
    const b = fitLogistic(samples, { l2: 0.01 });
    assert.deepEqual(a, b);
    assert.ok(a !== undefined && predictLogistic(a, [0.95, 0]) > 0.8 && predictLogistic(a, [0.05, 0]) < 0.2);
    assert.equal(fitLogistic(samples.map((s) => ({ ...s, y: true }))), undefined, 'one class only');
    assert.equal(fitLogistic(samples.slice(15, 24)), undefined, 'fewer than 10 samples');
  });

  it('with nonNegative, a feature that points the wrong way gets weight 0 instead of a negative one', () => {
    // The first feature tells the label; the second is higher on the wrong ones.
    const samples = Array.from({ length: 40 }, (_, i) => ({ x: [i / 40, i < 20 ? 0.8 : 0.2], y: i >= 20 }));
    const free = fitLogistic(samples, { l2: 0.01 });
    const clamped = fitLogistic(samples, { l2: 0.01, nonNegative: true });
    assert.ok(free !== undefined && (free.weights[1] ?? 0) < 0);
    assert.ok(clamped !== undefined && clamped.weights[1] === 0 && (clamped.weights[0] ?? 0) > 0);
  });
});
