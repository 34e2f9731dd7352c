/**
 * Calibrated confidence with out-of-scope signals (pure).
 * confidence = sigmoid(b + w · [logit of max softmax at T, margin, energy, nearest-example cosine x coverage,
 * n-gram coverage]),
 * the probability that the top intent is right, fitted on held-out in-scope examples (correct / wrong) and
 * out-of-scope examples (always wrong), OOS rows re-weighted to an assumed out-of-scope share of traffic.
 */

import { reliabilitySums } from '../../core/math/reliability.js';
import { fitLogistic, predictLogistic } from './logistic.js';
import type { LogisticModel, LogisticRow } from './logistic.js';
import { softmax } from './model.js';

/** What the network says about one query (the ONNX outputs, per row). */
export interface RawScores {
  readonly logits: ArrayLike<number>;
  /** Cosine to the nearest training example (0 when unknown). */
  readonly nearestSim: number;
  /** Weight share of the query's features seen in training. */
  readonly coverage: number;
}

export const SIGNAL_NAMES = ['logit_max_prob', 'margin', 'energy', 'nearest_sim_x_coverage', 'coverage'] as const;

/** Saved calibration parameters. */
export interface CalibrationParams {
  /** Softmax temperature fitted on in-scope held-out examples. */
  readonly temperature: number;
  readonly signals: readonly string[];
  readonly logistic: LogisticModel;
}

/** The ranked output of the network for one query before calibration. */
export interface Ranked {
  /** Class indices, best first. */
  readonly order: readonly number[];
  /** Softmax at the fitted temperature, by class index. */
  readonly probs: Float64Array;
  readonly signals: readonly number[];
}

const clampLogit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/** Softmax at T, ranking and the calibrator's input signals. */
export function rankScores(raw: RawScores, temperature: number): Ranked {
  const probs = softmax(raw.logits, temperature);
  const order = Array.from(probs.keys()).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  const p1 = probs[order[0] ?? 0] ?? 0;
  const p2 = order.length > 1 ? (probs[order[1] as number] as number) : 0;
  let max = -Infinity;
  for (let i = 0; i < raw.logits.length; i++) max = Math.max(max, (raw.logits[i] as number) / temperature);
  let sum = 0;
  for (let i = 0; i < raw.logits.length; i++) sum += Math.exp((raw.logits[i] as number) / temperature - max);
  const energy = temperature * (max + Math.log(sum));
  // The nearest-example cosine of a text whose features are mostly unknown says little (one recognised n-gram
  // gives a perfect cosine), so it enters scaled by the coverage.
  return { order, probs, signals: [clampLogit(p1), p1 - p2, energy, raw.nearestSim * raw.coverage, raw.coverage] };
}

/** Calibrated probability that the top intent is right. */
export function calibratedConfidence(params: CalibrationParams, ranked: Ranked): number {
  return predictLogistic(params.logistic, ranked.signals);
}

/** Mean negative log-likelihood of the gold labels at temperature T. */
function nll(rows: readonly { logits: ArrayLike<number>; label: number }[], t: number): number {
  let s = 0;
  for (const r of rows) s -= Math.log(Math.max(1e-12, softmax(r.logits, t)[r.label] ?? 0));
  return s / Math.max(1, rows.length);
}

/** Temperature scaling: T minimising NLL on labelled in-scope rows (golden-section search on log T). */
export function fitTemperature(rows: readonly { logits: ArrayLike<number>; label: number }[]): number {
  if (rows.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(rows, Math.exp(a));
  let fb = nll(rows, Math.exp(b));
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(rows, Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(rows, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** One held-out query for calibration: its raw scores and the gold class index (-1 = out of scope). */
export interface CalibrationExample {
  readonly raw: RawScores;
  readonly label: number;
  /** Relative weight (synthetic negatives count less than real ones). */
  readonly weight?: number;
}

export interface FitCalibrationOptions {
  /**
   * Share of out-of-scope queries the calibrated probabilities should assume (0..1). The held-out OOS rows are
   * re-weighted to this share; when there are none, the calibrator learns in-scope correctness only.
   */
  readonly oosShare: number;
  readonly l2?: number;
}

/** Fits temperature then the logistic calibrator. */
export function fitCalibration(
  examples: readonly CalibrationExample[],
  options: FitCalibrationOptions,
): CalibrationParams {
  const inScope = examples.filter((e) => e.label >= 0);
  const temperature = fitTemperature(inScope.map((e) => ({ logits: e.raw.logits, label: e.label })));
  const oos = examples.filter((e) => e.label < 0);
  const wIn = inScope.reduce((s, e) => s + (e.weight ?? 1), 0);
  const wOos = oos.reduce((s, e) => s + (e.weight ?? 1), 0);
  const share = Math.min(0.9, Math.max(0, options.oosShare));
  const oosScale = wOos > 0 && wIn > 0 && share > 0 ? (share / (1 - share)) * (wIn / wOos) : 1;
  const rows: LogisticRow[] = examples.map((e) => {
    const ranked = rankScores(e.raw, temperature);
    const correct = e.label >= 0 && ranked.order[0] === e.label;
    return { x: ranked.signals, y: correct ? 1 : 0, w: (e.weight ?? 1) * (e.label < 0 ? oosScale : 1) };
  });
  return { temperature, signals: [...SIGNAL_NAMES], logistic: fitLogistic(rows, options.l2 ?? 1e-3) };
}

/** Expected calibration error over equal-width confidence bins. */
export function expectedCalibrationError(
  items: readonly { confidence: number; correct: boolean }[],
  bins = 15,
): number {
  return reliabilitySums(
    items.map((it) => ({ p: it.confidence, y: it.correct })),
    bins,
  ).ece;
}
