/**
 * Fits the knowledge-graph answer calibration when a bot loads (deterministic): a logistic model from the
 * features of resolved generated questions (`kgSamples`) to the probability that the answer is right. With
 * `diagnostics`, its reliability is also measured out of fold: models fitted without a fold score that fold.
 */
import type { KgCalibrator } from '../../core/engine/types.js';
import { fnv1a } from '../../core/math/hash.js';
import { fitLogistic, predictLogistic, type LogisticModel, type LogisticSample } from '../../core/math/logistic.js';
import { reliability, type Reliability, type Scored } from '../../core/math/reliability.js';
import type { KgCaseCategory } from './case-types.js';
import { kgSamples, type KgSample, type KgSampleOptions } from './samples.js';

/**
 * The assumed make-up of the questions the graph QA resolves, by kind: each kind's samples share its weight, so
 * the fit does not depend on how many cases a graph of some size yields. Right kinds sum to 1, wrong ones to a
 * quarter of that (a fifth of resolved questions wrong): most messages naming a product and an attribute do ask
 * for that attribute of that product, and follow-ups are common; the wrong ones are mostly the bot's other
 * questions read as product questions about the product in focus ("how much is shipping?" after a phone).
 */
export const CATEGORY_SHARES: Readonly<Record<KgCaseCategory, number>> = Object.freeze({
  named: 0.45,
  typo: 0.08,
  'follow-up': 0.3,
  overview: 0.07,
  compare: 0.1,
  'held-out-synonym': 0.05,
  'held-out-entity': 0.03,
  'other-model': 0.02,
  'held-out-attribute': 0.03,
  'unknown-aspect': 0.01,
  'bot-text': 0.05,
  'out-of-scope': 0.01,
});

/** Highest calibrated confidence given: a linked question is never certainty. */
export const MAX_KG_CONFIDENCE = 0.99;

export interface KgCalibrationOptions extends KgSampleOptions {
  /** Also measure out-of-fold reliability (k more fits). */
  readonly diagnostics?: boolean;
  /** The threshold the diagnostics report on (default 0.8). */
  readonly threshold?: number;
}

/** Out-of-fold reliability, and at the threshold the weighted share answered and the share right among those. */
export interface KgHeldOut extends Reliability {
  readonly answered: number;
  readonly precision: number;
}

export interface KgCalibrationFit {
  /** Undefined when the graph yields too few samples of one kind: the engine keeps fixed link scores. */
  readonly calibrator: KgCalibrator | undefined;
  readonly model: LogisticModel | undefined;
  readonly cases: number;
  readonly samples: number;
  /** Samples whose question was right. */
  readonly right: number;
  readonly heldOut?: KgHeldOut;
}

interface Weighted extends LogisticSample {
  readonly fold: number;
}

/** Weights each sample by its category's share over the category's resolved samples (mean weight 1). */
export function weighted(samples: readonly KgSample[], folds: number): Weighted[] {
  const count = new Map<KgCaseCategory, number>();
  for (const s of samples) count.set(s.category, (count.get(s.category) ?? 0) + 1);
  const raw = samples.map((s) => CATEGORY_SHARES[s.category] / (count.get(s.category) ?? 1));
  const total = raw.reduce((a, b) => a + b, 0) || 1;
  return samples.map((s, i) => ({
    x: s.x,
    y: s.y,
    weight: ((raw[i] ?? 0) * samples.length) / total,
    fold: fnv1a(`${s.category}\u0000${s.text}`) % folds,
  }));
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

function outOfFold(samples: readonly Weighted[], folds: number, threshold: number): KgHeldOut {
  const scored: Scored[] = [];
  for (let f = 0; f < folds; f++) {
    const model = fitLogistic(
      samples.filter((s) => s.fold !== f),
      { l2: 1 },
    );
    if (model === undefined) continue;
    for (const s of samples) {
      if (s.fold !== f) continue;
      scored.push({ p: Math.min(MAX_KG_CONFIDENCE, predictLogistic(model, s.x)), y: s.y, weight: s.weight ?? 1 });
    }
  }
  const sum = (list: readonly Scored[]): number => list.reduce((a, s) => a + (s.weight ?? 1), 0);
  const answered = scored.filter((s) => s.p >= threshold);
  const all = sum(scored);
  const answeredWeight = sum(answered);
  return {
    ...reliability(scored),
    answered: all === 0 ? 0 : round(answeredWeight / all),
    precision: answeredWeight === 0 ? 0 : round(sum(answered.filter((s) => s.y)) / answeredWeight),
  };
}

/** Generates and resolves the cases and fits the calibration. */
export async function fitKgCalibration(options: KgCalibrationOptions): Promise<KgCalibrationFit> {
  const folds = Math.max(2, options.folds ?? 5);
  const { samples, cases } = await kgSamples(options);
  const data = weighted(samples, folds);
  const model = fitLogistic(data, { l2: 1 });
  const calibrator: KgCalibrator | undefined =
    model === undefined
      ? undefined
      : { name: 'kg-logistic', confidence: (x) => Math.min(MAX_KG_CONFIDENCE, predictLogistic(model, x)) };
  return {
    calibrator,
    model,
    cases,
    samples: samples.length,
    right: samples.filter((s) => s.y).length,
    ...(options.diagnostics === true ? { heldOut: outOfFold(data, folds, options.threshold ?? 0.8) } : {}),
  };
}
