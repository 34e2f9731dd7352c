import assert from 'node:assert/strict';

import {
  calibratedConfidence,
  expectedCalibrationError,
  fitTemperature,
  rankScores,
} from '../../../../inference/fasttext/calibration.js';
import { fitLogistic, predictLogistic } from '../../../../inference/fasttext/logistic.js';
import type { LogisticRow } from '../../../../inference/fasttext/logistic.js';
import { createPrng } from '../../../../core/math/prng.js';
import { scoreText } from '../../../../inference/fasttext/reference.js';
import { stratifiedFolds, stratifiedSplit, syntheticOutOfScope } from '../../../../inference/fasttext/split.js';
import { trainClassifier } from '../../../../inference/fasttext/train-classifier.js';
import type { TrainedClassifier } from '../../../../inference/fasttext/train-classifier.js';
import { GIBBERISH, reorder, SYNTHETIC_EXAMPLES, SYNTHETIC_QUERIES } from './synthetic-data.js';

const confidenceOf = (t: TrainedClassifier, text: string): number =>
  calibratedConfidence(t.calibration, rankScores(scoreText(t.model, t.memory, text), t.calibration.temperature));

describe('fasttext calibration', () => {
  it('fits a logistic model that separates a noisy threshold rule', () => {
    const prng = createPrng(1);
    const rows = Array.from({ length: 2000 }, (): LogisticRow => {
      const x = prng.next() * 4 - 2;
      const p = 1 / (1 + Math.exp(-3 * x));
      return { x: [x, prng.next()], y: prng.next() < p ? 1 : 0, w: 1 };
    });
    const m = fitLogistic(rows);
    assert.ok(predictLogistic(m, [1.5, 0.5]) > 0.9);
    assert.ok(predictLogistic(m, [-1.5, 0.5]) < 0.1);
    // Recovered slope ~3 per unit of x (coefficients are on standardised inputs).
    const slope = (m.coef[0] as number) / (m.std[0] as number);
    assert.ok(slope > 2.4 && slope < 3.6, `slope ${slope}`);
  });

  it('recovers the temperature of over-confident logits', () => {
    const prng = createPrng(2);
    const rows = Array.from({ length: 3000 }, () => {
      const logits = [0, 0, 0].map(() => prng.next() * 3);
      // Draw the label from softmax(logits / 1) and present the logits scaled by 2 (over-confident by T = 2).
      const e = logits.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      let u = prng.next() * s;
      let label = 0;
      while (label < 2 && u > (e[label] as number)) u -= e[label++] as number;
      return { logits: logits.map((l) => l * 2), label };
    });
    const t = fitTemperature(rows);
    assert.ok(t > 1.7 && t < 2.3, `T = ${t}`);
  });

  it('computes ECE from bins', () => {
    assert.equal(expectedCalibrationError([]), 0);
    const items = [
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.9, correct: i < 9 })),
      ...Array.from({ length: 10 }, (_, i) => ({ confidence: 0.5, correct: i < 3 })),
    ];
    // Bin of 0.9: |0.9 - 0.9| = 0; bin of 0.5: |0.3 - 0.5| = 0.2, weight 1/2.
    assert.ok(Math.abs(expectedCalibrationError(items) - 0.1) < 1e-9);
  });

  it('splits per intent, seeded and independent of input order', () => {
    const [train, held] = stratifiedSplit(SYNTHETIC_EXAMPLES, 0.2, 5);
    assert.equal(train.length + held.length, SYNTHETIC_EXAMPLES.length);
    assert.equal(held.length, 10);
    assert.deepEqual(stratifiedSplit(reorder(SYNTHETIC_EXAMPLES), 0.2, 5), [train, held]);
    const folds = stratifiedFolds(SYNTHETIC_EXAMPLES, 5, 1);
    assert.deepEqual(
      folds.map((f) => f.length),
      [10, 10, 10, 10, 10],
    );
    assert.equal(syntheticOutOfScope(SYNTHETIC_EXAMPLES, 9, 1).length, 9);
  });

  it('gives out-of-scope gibberish low confidence and known queries high confidence', async () => {
    const trained = await trainClassifier(SYNTHETIC_EXAMPLES, { config: { train: { dim: 32, epochs: 30 } } });
    assert.equal(trained.calibrationSource, 'held-out');
    const known = SYNTHETIC_EXAMPLES.map((e) => confidenceOf(trained, e.text));
    const unseen = SYNTHETIC_QUERIES.map((q) => confidenceOf(trained, q.text));
    const junk = GIBBERISH.map((g) => confidenceOf(trained, g));
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.max(...junk) < 0.5, `gibberish confidences ${junk.map((j) => j.toFixed(3)).join(', ')}`);
    assert.ok(mean(known) > 0.8, `known mean ${mean(known)}`);
    assert.ok(mean(unseen) > Math.max(...junk), `unseen mean ${mean(unseen)}`);
  });

  it('uses a validation set with oos lines when given', async () => {
    const validation = [
      ...SYNTHETIC_QUERIES,
      { text: 'what is the capital of peru', intent: 'oos' },
      { text: '给我讲个笑话', intent: 'oos' },
    ];
    const trained = await trainClassifier(SYNTHETIC_EXAMPLES, {
      validation,
      config: { train: { dim: 32, epochs: 30 } },
    });
    assert.equal(trained.calibrationSource, 'validation');
    assert.equal(trained.memoryTexts.length, SYNTHETIC_EXAMPLES.length);
    assert.ok(confidenceOf(trained, 'xqzt vlorp gmmf') < 0.5);
  });
});
