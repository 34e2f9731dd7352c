/**
 * Fits the answer-confidence model on the bot's own data with held-out splits (deterministic):
 * - in-scope: each unit text is held out in one of K folds and asked against indexes built without it;
 * - out-of-scope stand-ins: whole units are held out and their texts asked (whatever answers is wrong);
 * - generic out-of-scope questions against the full indexes.
 * Every candidate of every query is one sample: right when it is the held-out text's unit.
 */
import type { IntentClassifier } from '../../core/ports/inference.js';
import type { TrainingExample } from '../../core/engine/types.js';
import { fnv1a } from '../../core/math/hash.js';
import { fitLogistic, predictLogistic, type LogisticModel, type LogisticSample } from '../../core/math/logistic.js';
import type { Tokenizer } from '../text/tokenizer.js';
import { GENERIC_OUT_OF_SCOPE } from './out-of-scope.js';
import { createRankerCore } from './ranker-core.js';
import type { AnswerUnit } from './units.js';

/** Trains a classifier on examples (used on each fold; the lexical classifier by default). */
export type ClassifierFactory = (examples: readonly TrainingExample[]) => IntentClassifier | Promise<IntentClassifier>;

export interface CalibrationFitOptions {
  readonly units: readonly AnswerUnit[];
  readonly tokenizer: Tokenizer;
  /** Vectors of every unit text and of the generic out-of-scope questions. */
  readonly vectorOf: (text: string) => Float32Array;
  readonly dimensions: number;
  readonly classifierFactory: ClassifierFactory;
  /** Folds (default 5). */
  readonly folds?: number;
  /** Weight of unit-held-out samples (default 0.5) and of generic out-of-scope samples (default 1). */
  readonly heldOutUnitWeight?: number;
  readonly genericWeight?: number;
  /** Texts asked per held-out unit (default 3). */
  readonly textsPerHeldOutUnit?: number;
}

/**
 * Two logistic stages: `score` rates each candidate from its features (ranking); `top` turns the best candidate's
 * score and its lead over the runner-up into the calibrated confidence.
 */
export interface RankerModel {
  readonly score: LogisticModel;
  readonly top: LogisticModel;
}

/**
 * The top stage's features: the candidate's score and its lead over the best other candidate. (Adding the
 * candidate's coverage and cosine here lowered answered-correct on both development bots without a gain on
 * out-of-scope questions, so the top stage reads the score and the lead only.)
 */
export function topFeatures(score: number, bestOther: number): number[] {
  return [score, score - bestOther];
}

/** The fitted model and figures about the fit. */
export interface CalibrationFit {
  readonly model: RankerModel | undefined;
  readonly samples: number;
  readonly queries: number;
  /** Held-out in-scope queries whose top candidate (by the fitted model) was right, 0..1. */
  readonly heldOutTop1: number;
}

function examplesOf(units: readonly AnswerUnit[]): TrainingExample[] {
  return units.flatMap((u) => u.texts.map((text) => ({ text, intent: u.id })));
}

/** Runs the held-out splits and fits the model. */
export async function fitRankerCalibration(options: CalibrationFitOptions): Promise<CalibrationFit> {
  const k = Math.max(2, options.folds ?? 5);
  const heldOutUnitWeight = options.heldOutUnitWeight ?? 0.5;
  const genericWeight = options.genericWeight ?? 1;
  const perUnit = options.textsPerHeldOutUnit ?? 3;
  const { tokenizer, dimensions, vectorOf } = options;
  const samples: LogisticSample[] = [];
  const perQuery: { x: (readonly number[])[]; right: boolean[]; weight: number; inScope: boolean }[] = [];
  let queries = 0;

  const ask = async (
    units: readonly AnswerUnit[],
    classifier: IntentClassifier | undefined,
    asked: readonly { text: string; truth: string | undefined }[],
    weight: number,
    track: boolean,
  ): Promise<void> => {
    // `track`: in-scope held-out queries (counted in heldOutTop1).
    if (units.length === 0) return;
    const core = createRankerCore({
      units,
      tokenizer,
      dimensions,
      vectors: units.flatMap((u) => u.texts.map(vectorOf)),
    });
    for (const q of asked) {
      const prediction = classifier === undefined ? undefined : await classifier.classify(q.text);
      const candidates = core.candidates(tokenizer.tokens(q.text), vectorOf(q.text), prediction);
      queries++;
      for (const c of candidates) samples.push({ x: c.features, y: c.id === q.truth, weight });
      perQuery.push({
        x: candidates.map((c) => c.features),
        right: candidates.map((c) => c.id === q.truth),
        weight,
        inScope: track,
      });
    }
  };

  const foldOfText = (unit: AnswerUnit, i: number): number => (fnv1a(unit.id) + i) % k;
  for (let f = 0; f < k; f++) {
    const kept: AnswerUnit[] = [];
    const asked: { text: string; truth: string }[] = [];
    for (const u of options.units) {
      const texts = u.texts.filter((_, i) => foldOfText(u, i) !== f);
      u.texts.forEach((t, i) => {
        if (foldOfText(u, i) === f) asked.push({ text: t, truth: u.id });
      });
      if (texts.length > 0) kept.push({ id: u.id, texts });
    }
    const classifier = kept.length === 0 ? undefined : await options.classifierFactory(examplesOf(kept));
    await ask(kept, classifier, asked, 1, true);
  }
  for (let f = 0; f < k; f++) {
    const inFold = (u: AnswerUnit): boolean => fnv1a(`unit:${u.id}`) % k === f;
    const kept = options.units.filter((u) => !inFold(u));
    const asked = options.units
      .filter(inFold)
      .flatMap((u) => u.texts.slice(0, perUnit).map((text) => ({ text, truth: undefined })));
    if (kept.length === 0 || asked.length === 0) continue;
    await ask(kept, await options.classifierFactory(examplesOf(kept)), asked, heldOutUnitWeight, false);
  }
  const full = await options.classifierFactory(examplesOf(options.units));
  await ask(
    options.units,
    full,
    GENERIC_OUT_OF_SCOPE.map((text) => ({ text, truth: undefined })),
    genericWeight,
    false,
  );

  const score = fitLogistic(samples, { l2: 1 });
  if (score === undefined) return { model: undefined, samples: samples.length, queries, heldOutTop1: 0 };
  const topSamples: LogisticSample[] = [];
  let right = 0;
  let inScope = 0;
  for (const q of perQuery) {
    const scored = q.x.map((x, i) => ({ x, p: predictLogistic(score, x), right: q.right[i] ?? false }));
    scored.sort((a, b) => b.p - a.p);
    const first = scored[0];
    if (first === undefined) continue;
    topSamples.push({ x: topFeatures(first.p, scored[1]?.p ?? 0), y: first.right, weight: q.weight });
    if (q.inScope) {
      inScope++;
      if (first.right) right++;
    }
  }
  const top = fitLogistic(topSamples, { l2: 0.1 });
  return {
    model: top === undefined ? undefined : { score, top },
    samples: samples.length,
    queries,
    heldOutTop1: inScope === 0 ? 0 : right / inScope,
  };
}
