/** Evaluation metrics for a thresholded intent classifier (pure). */

import { reliabilitySums } from '../../core/math/reliability.js';
import { expectedCalibrationError } from '../fasttext/calibration.js';
import { thresholdFor } from '../fasttext/thresholds.js';
import type { ThresholdPolicy } from '../fasttext/thresholds.js';
import { OOS_INTENT } from '../fasttext/train-classifier.js';

/** One scored test example. */
export interface ScoredExample {
  readonly text: string;
  /** Gold intent (`oos` = out of scope). */
  readonly gold: string;
  readonly predicted: string | undefined;
  readonly confidence: number;
}

/** The `clawbot eval --json` contract. */
export interface EvalResult {
  readonly threshold: number;
  readonly in_scope: {
    readonly n: number;
    readonly top1_accuracy: number;
    readonly answered_correct: number;
    readonly answered_wrong: number;
    readonly handed_off: number;
  };
  readonly out_of_scope: { readonly n: number; readonly handed_off: number };
  readonly ece: number;
  readonly train_seconds: number;
  readonly predict_per_second: number;
}

export { thresholdFor } from '../fasttext/thresholds.js';
export type { ThresholdPolicy } from '../fasttext/thresholds.js';

const isCorrect = (e: ScoredExample): boolean => e.gold !== OOS_INTENT && e.predicted === e.gold;
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Accuracy and hand-off figures at one threshold policy (ece/timings are filled by the caller). */
export function scoreAt(
  items: readonly ScoredExample[],
  policy: ThresholdPolicy,
): Pick<EvalResult, 'threshold' | 'in_scope' | 'out_of_scope'> {
  let nIn = 0;
  let top1 = 0;
  let answeredCorrect = 0;
  let answeredWrong = 0;
  let nOos = 0;
  let oosHanded = 0;
  for (const e of items) {
    const answered = e.predicted !== undefined && e.confidence >= thresholdFor(policy, e.predicted);
    if (e.gold === OOS_INTENT) {
      nOos++;
      if (!answered) oosHanded++;
      continue;
    }
    nIn++;
    if (isCorrect(e)) top1++;
    if (answered && isCorrect(e)) answeredCorrect++;
    else if (answered) answeredWrong++;
  }
  return {
    threshold: policy.default,
    in_scope: {
      n: nIn,
      top1_accuracy: ratio(top1, nIn),
      answered_correct: ratio(answeredCorrect, nIn),
      answered_wrong: ratio(answeredWrong, nIn),
      handed_off: ratio(nIn - answeredCorrect - answeredWrong, nIn),
    },
    out_of_scope: { n: nOos, handed_off: ratio(oosHanded, nOos) },
  };
}

/** ECE of "the answer is right" (out-of-scope examples are never right), 15 equal-width bins. */
export function eceOf(items: readonly ScoredExample[], bins = 15): number {
  return expectedCalibrationError(
    items.map((e) => ({ confidence: e.confidence, correct: isCorrect(e) })),
    bins,
  );
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

/** Reliability diagram data: equal-width bins of confidence with their observed accuracy. */
export function reliabilityBins(items: readonly ScoredExample[], bins = 10): ReliabilityBin[] {
  const sums = reliabilitySums(
    items.map((e) => ({ p: e.confidence, y: isCorrect(e) })),
    bins,
  );
  return sums.bins.map((b) => ({
    lo: b.from,
    hi: b.to,
    count: b.weight,
    meanConfidence: ratio(b.confidence, b.weight),
    accuracy: ratio(b.right, b.weight),
  }));
}

/** Figures at each threshold of `thresholds` (global threshold only). */
export function thresholdSweep(
  items: readonly ScoredExample[],
  thresholds: readonly number[] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
): ReturnType<typeof scoreAt>[] {
  return thresholds.map((t) => scoreAt(items, { default: t }));
}
