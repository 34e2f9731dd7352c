/** Per-intent scores of a query: nearest examples and centroids mixed (pure). */
import type { CalibrationFeatures } from './calibration.js';
import type { TfidfIndex } from './tfidf-index.js';

/** One intent's score for a query, with its closest example. */
export interface IntentHit {
  readonly intent: number;
  readonly score: number;
  readonly bestDoc: number;
}

/** The trained data the ranking reads. */
export interface Model {
  readonly index: TfidfIndex;
  readonly docIntent: Int32Array;
  readonly docText: readonly string[];
  readonly intents: readonly string[];
  /** Squared norm of the sum of each intent's example vectors. */
  readonly intentSquaredNorm: Float64Array;
  readonly mix: ScoreMix;
}

/** How an intent's score mixes its closest example, its second closest and its centroid. */
export interface ScoreMix {
  readonly best: number;
  readonly second: number;
  readonly centroid: number;
}

export const DEFAULT_SCORE_MIX: ScoreMix = Object.freeze({ best: 0.5, second: 0.1, centroid: 0.4 });

/** Squared norms of each intent's summed example vectors (for centroid cosines). */
export function intentSquaredNorms(index: TfidfIndex, docIntent: Int32Array, intents: number): Float64Array {
  const sums = Array.from({ length: intents }, () => new Map<number, number>());
  index.documents.forEach((doc, d) => {
    const sum = sums[docIntent[d] ?? -1];
    if (sum === undefined) return;
    for (let k = 0; k < doc.ids.length; k++) {
      const id = doc.ids[k] ?? 0;
      sum.set(id, (sum.get(id) ?? 0) + (doc.weights[k] ?? 0));
    }
  });
  return Float64Array.from(sums, (sum) => {
    let sq = 0;
    for (const id of [...sum.keys()].sort((a, b) => a - b)) sq += (sum.get(id) ?? 0) ** 2;
    return sq;
  });
}

/**
 * Per-intent scores from per-document cosines, best first (ties: intent name order).
 * `excludeDoc` leaves one example out; it must be the query itself (leave-one-out), which lets the centroid
 * without it be computed from the same cosines.
 */
export function rankIntents(
  model: Model,
  scores: Float64Array,
  touched: readonly number[],
  excludeDoc = -1,
  excludeIntent = -1,
): IntentHit[] {
  const best = new Map<number, { first: number; second: number; sum: number; doc: number }>();
  for (const d of touched) {
    if (d === excludeDoc) continue;
    const intent = model.docIntent[d] ?? -1;
    if (intent === excludeIntent) continue;
    const s = scores[d] ?? 0;
    const cur = best.get(intent);
    if (cur === undefined) best.set(intent, { first: s, second: 0, sum: s, doc: d });
    else {
      cur.sum += s;
      if (s > cur.first) {
        cur.second = cur.first;
        cur.first = s;
        cur.doc = d;
      } else if (s > cur.second) cur.second = s;
    }
  }
  const excludedIntent = excludeDoc >= 0 ? (model.docIntent[excludeDoc] ?? -1) : -1;
  const { mix } = model;
  const hits: IntentHit[] = [];
  for (const [intent, b] of best) {
    let sq = model.intentSquaredNorm[intent] ?? 0;
    // |S - x|² = |S|² - 2·S·x + 1, and S·x is the intent's cosine sum plus x·x = 1.
    if (intent === excludedIntent) sq = sq - 2 * (b.sum + 1) + 1;
    const centroid = sq > 1e-12 ? Math.min(1, b.sum / Math.sqrt(sq)) : 0;
    const score = mix.best * b.first + mix.second * b.second + mix.centroid * centroid;
    hits.push({ intent, score: Math.min(1, score), bestDoc: b.doc });
  }
  return hits.sort((a, b) => b.score - a.score || a.intent - b.intent);
}

/** The calibration features of a ranking: best score and its margin over the runner-up. */
export function features(hits: readonly IntentHit[]): CalibrationFeatures {
  const top = hits[0]?.score ?? 0;
  return { similarity: top, margin: top - (hits[1]?.score ?? 0) };
}
