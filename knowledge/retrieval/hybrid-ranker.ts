/**
 * The hybrid answer ranker: BM25 (jieba or bigram tokens) and dense vectors (an injected Embedder, or the built-in
 * hashed n-gram embedder) over every intent example and FAQ question, fused with the intent classifier's ranking
 * by a logistic model fitted on the bot's own held-out splits. Its confidences are calibrated probabilities.
 */
import { normalizeForPhrases } from '../../core/engine/phrases.js';
import type { AnswerRanker, RankedAnswer } from '../../core/engine/types.js';
import type { Embedder, IntentPrediction } from '../../core/ports/inference.js';
import type { Tokenizer } from '../text/tokenizer.js';
import {
  fitRankerCalibration,
  topFeatures,
  type CalibrationFit,
  type ClassifierFactory,
  type RankerModel,
} from './calibration-fit.js';
import { createHashedEmbedder } from './hashed-embedder.js';
import type { Logger } from '../../core/logger.js';
import { predictLogistic } from '../../core/math/logistic.js';
import type { VectorIndexPolicy } from './choose-index.js';
import { GENERIC_OUT_OF_SCOPE } from './out-of-scope.js';
import { createRankerCore, FEATURE_NAMES, type Candidate, type RankerCore } from './ranker-core.js';
import type { AnswerUnit } from './units.js';

/** Confidence of a question asked exactly as one of the bot's own texts. */
export const EXACT_MATCH_CONFIDENCE = 0.99;

/** See {@link HybridRankerOptions.confidenceShift}. */
export const DEFAULT_CONFIDENCE_SHIFT = 1.4;

/** Used when the bot has too little data to fit a model (a handful of examples, one intent). */
export const DEFAULT_RANKER_MODEL: RankerModel = Object.freeze({
  score: Object.freeze({ bias: -7, weights: Object.freeze([5, 1, 3, 1, 2, 0.5, 3, 2, 0.5]) }),
  top: Object.freeze({ bias: -4, weights: Object.freeze([4, 4]) }),
});

export interface HybridRankerOptions {
  readonly units: readonly AnswerUnit[];
  readonly tokenizer: Tokenizer;
  /** Dense vectors; default: the hashed n-gram embedder fitted on the unit texts. */
  readonly embedder?: Embedder;
  /**
   * Trains the per-fold classifiers of the calibration fit: the same kind as the serving classifier, or a cheap
   * stand-in whose confidences are calibrated too (the gateway passes the lexical classifier).
   */
  readonly classifierFactory: ClassifierFactory;
  /** A fixed model instead of fitting one. */
  readonly model?: RankerModel;
  readonly folds?: number;
  /**
   * Logit added to the fitted top stage (default {@link DEFAULT_CONFIDENCE_SHIFT}). Held-out splits of a bot's own
   * questions are harder than live traffic (a bot's question variants are written to differ from each other), so
   * the raw fit under-states confidence on real questions; the shift was set on the demo shop's query set and
   * checked on a second bot folder's.
   */
  readonly confidenceShift?: number;
  readonly perChannel?: number;
  /** Which vector index (default: by size). */
  readonly vectorIndex?: VectorIndexPolicy;
  /** Where a fallback of the vector index is reported. */
  readonly log?: Logger;
  /** Texts embedded per call (default 256). */
  readonly embedBatch?: number;
}

/** Figures about a built ranker. */
export interface HybridRankerInfo {
  readonly embedder: string;
  readonly tokenizer: string;
  readonly vectorIndex: string;
  readonly texts: number;
  readonly fit: CalibrationFit | undefined;
  readonly model: RankerModel;
}

export interface HybridRanker extends AnswerRanker {
  readonly info: HybridRankerInfo;
  /** Raw candidates with features (for diagnostics and tests). */
  candidates(text: string, prediction?: IntentPrediction, signal?: AbortSignal): Promise<Candidate[]>;
}

async function embedAll(
  embedder: Embedder,
  texts: readonly string[],
  batch: number,
): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(texts)];
  const out = new Map<string, Float32Array>();
  for (let i = 0; i < unique.length; i += batch) {
    const slice = unique.slice(i, i + batch);
    const vectors = await embedder.embed(slice);
    slice.forEach((t, j) => {
      const v = vectors[j];
      if (v !== undefined) out.set(t, v);
    });
  }
  return out;
}

/** Builds the ranker: embeds every text once, fits the model on held-out splits (unless given), indexes. */
export async function createHybridRanker(options: HybridRankerOptions): Promise<HybridRanker> {
  const { units, tokenizer } = options;
  const allTexts = units.flatMap((u) => u.texts);
  // An injected embedder that is not ready (no dimensions yet) leaves retrieval on the built-in one.
  const embedder =
    options.embedder !== undefined && options.embedder.dimensions > 0
      ? options.embedder
      : createHashedEmbedder({ corpus: allTexts });
  const vectors = await embedAll(embedder, [...allTexts, ...GENERIC_OUT_OF_SCOPE], options.embedBatch ?? 256);
  const dimensions = embedder.dimensions;
  const zero = new Float32Array(dimensions);
  const vectorOf = (text: string): Float32Array => vectors.get(text) ?? zero;
  const factory = options.classifierFactory;

  let fit: CalibrationFit | undefined;
  let model = options.model;
  // The top stage as fitted on held-out splits, before the shift for live traffic.
  let heldOutTop = options.model?.top;
  if (model === undefined) {
    fit = await fitRankerCalibration({
      units,
      tokenizer,
      vectorOf,
      dimensions,
      classifierFactory: factory,
      ...(options.folds === undefined ? {} : { folds: options.folds }),
    });
    heldOutTop = fit.model?.top ?? DEFAULT_RANKER_MODEL.top;
    model =
      fit.model === undefined
        ? DEFAULT_RANKER_MODEL
        : {
            score: fit.model.score,
            top: { ...fit.model.top, bias: fit.model.top.bias + (options.confidenceShift ?? DEFAULT_CONFIDENCE_SHIFT) },
          };
  }
  const core: RankerCore = createRankerCore({
    units,
    tokenizer,
    dimensions,
    vectors: allTexts.map(vectorOf),
    ...(options.perChannel === undefined ? {} : { perChannel: options.perChannel }),
    ...(options.vectorIndex === undefined ? {} : { vectorIndex: options.vectorIndex }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const fitted = model;
  const unshifted = heldOutTop ?? model.top;
  // A question asked exactly as written in the bot (ignoring case, width and punctuation) is that entry's,
  // whatever the fit says (small bots give the fit little to learn from); texts shared by two entries are not.
  const exact = new Map<string, string | null>();
  for (const u of units) {
    for (const t of u.texts) {
      const key = normalizeForPhrases(t);
      const seen = exact.get(key);
      exact.set(key, seen === undefined || seen === u.id ? u.id : null);
    }
  }

  const candidates = async (
    text: string,
    prediction?: IntentPrediction,
    signal?: AbortSignal,
  ): Promise<Candidate[]> => {
    const [query] = await embedder.embed([text], signal === undefined ? {} : { signal });
    // A vector of another width (the embedder's model was swapped since this ranker was built) is not compared.
    return core.candidates(tokenizer.tokens(text), query?.length === dimensions ? query : zero, prediction);
  };

  const rank = async (
    text: string,
    prediction: IntentPrediction | undefined,
    opts?: { signal?: AbortSignal },
  ): Promise<RankedAnswer[]> => {
    const found = await candidates(text, prediction, opts?.signal);
    const scored = found
      .map((c) => ({ c, p: predictLogistic(fitted.score, c.features) }))
      .sort((a, b) => b.p - a.p || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
    const best = scored[0]?.p ?? 0;
    const second = scored[1]?.p ?? 0;
    const verbatim = exact.get(normalizeForPhrases(text)) ?? undefined;
    const ranked = scored.map(({ c, p }, i) => ({
      id: c.id,
      confidence:
        c.id === verbatim
          ? EXACT_MATCH_CONFIDENCE
          : predictLogistic(fitted.top, topFeatures(p, i === 0 ? second : best)),
      heldOut:
        c.id === verbatim
          ? EXACT_MATCH_CONFIDENCE
          : predictLogistic(unshifted, topFeatures(p, i === 0 ? second : best)),
      // Evidence (for logs and diagnostics) for the leading candidates only: it allocates.
      ...(i < 3
        ? {
            evidence: {
              score: Math.round(p * 1000) / 1000,
              ...Object.fromEntries(
                FEATURE_NAMES.map((name, j) => [name, Math.round((c.features[j] ?? 0) * 1000) / 1000]),
              ),
            },
          }
        : {}),
    }));
    return verbatim === undefined ? ranked : ranked.sort((a, b) => b.confidence - a.confidence);
  };

  return {
    name: `hybrid(bm25-${tokenizer.name}+${embedder.name})`,
    info: {
      embedder: embedder.name,
      tokenizer: tokenizer.name,
      vectorIndex: core.vectorIndex.kind,
      texts: core.texts,
      fit,
      model: fitted,
    },
    rank,
    candidates,
  };
}
