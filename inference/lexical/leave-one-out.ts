/** Leave-one-out evaluation of the classifier on its own examples, for calibration and figures (pure). */
import { calibrate, type Calibration, type CalibrationSample } from './calibration.js';
import { features, rankIntents, type Model } from './intent-ranking.js';
import { cosineScores, documentAsQuery } from './tfidf-index.js';

/** Leave-one-out figures at one confidence threshold. */
export interface ThresholdFigures {
  readonly threshold: number;
  /** Share of held-out examples answered (confidence ≥ threshold). */
  readonly answered: number;
  /** Share of the answered ones whose intent was right. */
  readonly precision: number;
  /** Share of leave-intent-out queries (their intent removed: an out-of-scope stand-in) still answered. */
  readonly outOfScopeAnswered: number;
}

/**
 * Leave-one-out and leave-intent-out samples for calibration, plus the leave-one-out accuracy.
 * Samples alternate: the held-out example's ranking, then the same ranking without its intent.
 */
export function looSamples(model: Model, outOfScopeWeight: number): { samples: CalibrationSample[]; accuracy: number } {
  const samples: CalibrationSample[] = [];
  const scores = new Float64Array(model.index.size);
  let correct = 0;
  for (let d = 0; d < model.index.size; d++) {
    const touched = cosineScores(model.index, documentAsQuery(model.index, d), scores);
    const truth = model.docIntent[d] ?? -1;
    const hits = rankIntents(model, scores, touched, d);
    const ok = hits[0]?.intent === truth;
    if (ok) correct++;
    samples.push({ ...features(hits), correct: ok });
    // The same question when its intent does not exist: whatever wins is wrong (out-of-scope stand-in).
    samples.push({
      ...features(rankIntents(model, scores, touched, d, truth)),
      correct: false,
      weight: outOfScopeWeight,
    });
  }
  return { samples, accuracy: model.index.size === 0 ? 0 : correct / model.index.size };
}

/** What a threshold does on the calibration samples (even: held-out examples; odd: out-of-scope stand-ins). */
export function thresholdFigures(
  samples: readonly CalibrationSample[],
  calibration: Calibration,
  threshold: number,
): ThresholdFigures {
  let held = 0;
  let answered = 0;
  let right = 0;
  let outOfScope = 0;
  let outOfScopeAnswered = 0;
  samples.forEach((s, i) => {
    const accepted = calibrate(calibration, s) >= threshold;
    if (i % 2 === 0) {
      held++;
      if (accepted) answered++;
      if (accepted && s.correct) right++;
    } else {
      outOfScope++;
      if (accepted) outOfScopeAnswered++;
    }
  });
  return Object.freeze({
    threshold,
    answered: held === 0 ? 0 : answered / held,
    precision: answered === 0 ? 0 : right / answered,
    outOfScopeAnswered: outOfScope === 0 ? 0 : outOfScopeAnswered / outOfScope,
  });
}
