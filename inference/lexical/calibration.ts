/**
 * Confidence calibration: a logistic map of two features of a ranking (pure):
 * - `similarity`: the best intent's score;
 * - `margin`: how far it is ahead of the runner-up intent.
 */
import { fitLogistic, predictLogistic } from '../../core/math/logistic.js';

/** The ranking features calibration reads. */
export interface CalibrationFeatures {
  readonly similarity: number;
  readonly margin: number;
}

/** `confidence = σ(bias + similarity·s + margin·m)`; slopes are never negative (monotone). */
export interface Calibration {
  readonly bias: number;
  readonly similarity: number;
  readonly margin: number;
}

/** Used when there is too little data to fit (fewer than two intents or a handful of examples). */
export const DEFAULT_CALIBRATION: Calibration = Object.freeze({ bias: -7, similarity: 10, margin: 6 });

/** One observation: the features of a ranking and whether its top intent was right. */
export interface CalibrationSample extends CalibrationFeatures {
  readonly correct: boolean;
  /** Weight of the sample in the fit (default 1). */
  readonly weight?: number;
}

/** Applies a calibration; 0 when nothing matched. */
export function calibrate(c: Calibration, features: CalibrationFeatures): number {
  if (features.similarity <= 0) return 0;
  return predictLogistic({ bias: c.bias, weights: [c.similarity, c.margin] }, [features.similarity, features.margin]);
}

/**
 * Fits the calibration by L2-regularised, weighted logistic regression (core/math/logistic: damped Newton's method
 * with a fixed iteration budget, deterministic for a given sample order). Slopes are clamped at zero so more
 * similarity or margin never lowers confidence. Falls back to {@link DEFAULT_CALIBRATION} when the samples cannot
 * support a fit.
 */
export function fitCalibration(samples: readonly CalibrationSample[], l2 = 0.01, iterations = 50): Calibration {
  const model = fitLogistic(
    samples.map((s) => ({
      x: [s.similarity, s.margin],
      y: s.correct,
      ...(s.weight === undefined ? {} : { weight: s.weight }),
    })),
    { l2, iterations, tolerance: 1e-10, nonNegative: true },
  );
  if (model === undefined || model.weights.every((v) => v <= 0)) return DEFAULT_CALIBRATION;
  return Object.freeze({ bias: model.bias, similarity: model.weights[0] ?? 0, margin: model.weights[1] ?? 0 });
}
