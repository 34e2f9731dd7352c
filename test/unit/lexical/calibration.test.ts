import assert from 'node:assert/strict';
import {
  calibrate,
  DEFAULT_CALIBRATION,
  fitCalibration,
  type CalibrationSample,
} from '../../../inference/lexical/index.js';

/** Deterministic samples: right answers have high similarity and margin, wrong ones low, with overlap. */
function samples(): CalibrationSample[] {
  const out: CalibrationSample[] = [];
  for (let i = 0; i < 100; i++) {
    const t = i / 100;
    out.push({ similarity: 0.3 + 0.6 * t, margin: 0.05 + 0.4 * t, correct: i % 10 !== 0 });
    out.push({ similarity: 0.1 + 0.4 * t, margin: 0.02 * t, correct: i % 10 === 0 });
  }
  return out;
}

describe('lexical calibration', () => {
  it('fits a monotone map that separates right from wrong', () => {
    const c = fitCalibration(samples());
    assert.ok(c.similarity >= 0 && c.margin >= 0);
    assert.ok(calibrate(c, { similarity: 0.85, margin: 0.4 }) > 0.9);
    assert.ok(calibrate(c, { similarity: 0.2, margin: 0.01 }) < 0.5);
    assert.ok(calibrate(c, { similarity: 0.6, margin: 0.3 }) > calibrate(c, { similarity: 0.6, margin: 0.1 }));
  });

  it('weights out-of-scope samples: a lower weight raises confidences', () => {
    const base = samples();
    const light = base.map((s) => (s.correct ? s : { ...s, weight: 0.3 }));
    const f = { similarity: 0.5, margin: 0.1 };
    assert.ok(calibrate(fitCalibration(light), f) > calibrate(fitCalibration(base), f));
  });

  it('falls back to the default without both outcomes or enough samples', () => {
    assert.deepEqual(fitCalibration(samples().filter((s) => s.correct)), DEFAULT_CALIBRATION);
    assert.deepEqual(fitCalibration(samples().slice(0, 4)), DEFAULT_CALIBRATION);
  });

  it('gives 0 when nothing matched', () => {
    assert.equal(calibrate(DEFAULT_CALIBRATION, { similarity: 0, margin: 0 }), 0);
  });
});
