import { BotError } from '../../core/errors.js';
import type { IntentClassifier, IntentPrediction, IntentScore } from '../../core/ports/inference.js';
import { calibrate, fitCalibration, type Calibration } from './calibration.js';
import { DEFAULT_SCORE_MIX, intentSquaredNorms, rankIntents, type Model, type ScoreMix } from './intent-ranking.js';
import { looSamples, thresholdFigures, type ThresholdFigures } from './leave-one-out.js';
import { DEFAULT_NGRAMS, normalizeForMatching, type NgramOptions } from './normalize.js';
import { buildTfidfIndex, cosineScores, vectorizeQuery, type QueryVector } from './tfidf-index.js';

/** One labelled training utterance. */
export interface LexicalExample {
  readonly text: string;
  readonly intent: string;
}

export interface LexicalClassifierOptions {
  /** Reported as `classifier.name` (default "lexical"). */
  readonly name?: string;
  /** How many intents `ranking` lists (default 5). */
  readonly rankingSize?: number;
  /** How an intent's score mixes its closest example, second closest and centroid (weights sum to 1). */
  readonly mix?: ScoreMix;
  /** IDF over intents (default: a feature shared by many intents weighs little) or over single examples. */
  readonly idf?: 'intent' | 'example';
  readonly ngrams?: NgramOptions;
  /** A fixed calibration; when absent it is fitted on leave-one-out over the examples. */
  readonly calibration?: Calibration;
  /**
   * Weight of the out-of-scope stand-ins against held-out examples in the calibration fit: the assumed share of
   * out-of-scope traffic relative to in-scope (default 0.5).
   */
  readonly outOfScopeWeight?: number;
  /** The threshold `diagnostics.atThreshold` reports on (default 0.8). */
  readonly reportThreshold?: number;
}

/** Figures from training, for reports and sanity checks. */
export interface LexicalDiagnostics {
  /** Distinct examples kept (duplicates of the same text and intent are dropped). */
  readonly examples: number;
  readonly intents: number;
  /** Share of examples whose intent is predicted right when that example is left out (0..1). */
  readonly leaveOneOutAccuracy: number;
  readonly calibration: Calibration;
  /** How the calibrated confidence behaves at a threshold, measured on the calibration samples. */
  readonly atThreshold: ThresholdFigures;
}

/** The lexical classifier: `IntentClassifier` plus a synchronous `classifySync` and training figures. */
export interface LexicalClassifier extends IntentClassifier {
  readonly diagnostics: LexicalDiagnostics;
  classifySync(text: string): IntentPrediction;
}

/** Canonical example order (by text, then intent) without duplicates, so training never depends on input order. */
function canonical(examples: readonly LexicalExample[]): LexicalExample[] {
  const seen = new Set<string>();
  const out: { example: LexicalExample; key: string }[] = [];
  for (const e of examples) {
    const norm = normalizeForMatching(e.text);
    const key = `${norm}\u0000${e.intent}`;
    if (norm.length === 0 || seen.has(key)) continue;
    seen.add(key);
    out.push({ example: e, key });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.example);
}

/**
 * Builds a lexical intent classifier: character n-gram TF-IDF (CJK 1–3, Latin 2–4 with word boundaries),
 * cosine nearest examples aggregated per intent, and a confidence calibrated on the examples themselves
 * (logistic map of best similarity and margin, fitted on leave-one-out plus leave-intent-out samples).
 * Deterministic and independent of example order.
 */
export function createLexicalClassifier(
  examples: readonly LexicalExample[],
  options: LexicalClassifierOptions = {},
): LexicalClassifier {
  const kept = canonical(examples);
  if (kept.length === 0) {
    throw new BotError('inference.model_invalid', 'the lexical classifier needs at least one non-empty example');
  }
  const intents = [...new Set(kept.map((e) => e.intent))].sort();
  const intentId = new Map(intents.map((name, i) => [name, i]));
  const docIntent = Int32Array.from(kept, (e) => intentId.get(e.intent) ?? -1);
  const index = buildTfidfIndex(
    kept.map((e) => e.text),
    options.ngrams ?? DEFAULT_NGRAMS,
    options.idf === 'example' ? undefined : kept.map((e) => e.intent),
  );
  const model: Model = {
    index,
    docIntent,
    docText: kept.map((e) => e.text),
    intents,
    intentSquaredNorm: intentSquaredNorms(index, docIntent, intents.length),
    mix: options.mix ?? DEFAULT_SCORE_MIX,
  };
  const loo = looSamples(model, options.outOfScopeWeight ?? 0.5);
  const calibration = options.calibration ?? fitCalibration(loo.samples);
  const diagnostics: LexicalDiagnostics = Object.freeze({
    examples: kept.length,
    intents: intents.length,
    leaveOneOutAccuracy: loo.accuracy,
    calibration,
    atThreshold: thresholdFigures(loo.samples, calibration, options.reportThreshold ?? 0.8),
  });
  const rankingSize = options.rankingSize ?? 5;
  const scores = new Float64Array(model.index.size);

  const predict = (query: QueryVector): IntentPrediction => {
    const hits = rankIntents(model, scores, cosineScores(model.index, query, scores));
    const top = hits[0];
    if (top === undefined) return { intent: undefined, confidence: 0, ranking: [] };
    const runnerUp = hits[1]?.score ?? 0;
    const ranking: IntentScore[] = hits.slice(0, rankingSize).map((h, i) => ({
      intent: model.intents[h.intent] ?? '',
      confidence: calibrate(calibration, {
        similarity: h.score,
        margin: i === 0 ? h.score - runnerUp : h.score - top.score,
      }),
    }));
    const nearest = model.docText[top.bestDoc];
    return {
      intent: model.intents[top.intent],
      confidence: ranking[0]?.confidence ?? 0,
      ranking,
      ...(nearest === undefined ? {} : { nearestExample: nearest }),
    };
  };

  const classifySync = (text: string): IntentPrediction => predict(vectorizeQuery(model.index, text));
  return {
    name: options.name ?? 'lexical',
    diagnostics,
    ready: () => true,
    classifySync,
    classify: (text, opts) => {
      if (opts?.signal?.aborted === true) return Promise.reject(opts.signal.reason as Error);
      return Promise.resolve(classifySync(text));
    },
  };
}
