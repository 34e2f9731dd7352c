/** A sparse TF-IDF index over short texts with cosine nearest-neighbour search (pure data after build). */
import { countFeatures, tokenizeForMatching, type NgramOptions, DEFAULT_NGRAMS } from './normalize.js';

/** A unit-length sparse vector: feature ids ascending and their weights. */
export interface SparseVector {
  readonly ids: Int32Array;
  readonly weights: Float64Array;
}

/** A query vectorised against an index: known features plus the norm share of unknown ones. */
export interface QueryVector {
  readonly ids: Int32Array;
  /** Weights already divided by the full query norm (unknown features included). */
  readonly weights: Float64Array;
  /** Share of the query's squared norm carried by features the index never saw (0..1). */
  readonly unknownShare: number;
}

export interface TfidfIndex {
  readonly size: number;
  readonly vocabulary: ReadonlyMap<string, number>;
  readonly idf: Float64Array;
  /** IDF given to features absent from the index. */
  readonly unknownIdf: number;
  readonly documents: readonly SparseVector[];
  /** Posting lists per feature id: document indexes and the document's weight for the feature. */
  readonly postings: readonly { readonly docs: Int32Array; readonly weights: Float64Array }[];
  readonly ngrams: NgramOptions;
}

function weigh(counts: ReadonlyMap<string, number>, idfOf: (feature: string) => number | undefined) {
  const entries: { feature: string; weight: number }[] = [];
  for (const [feature, tf] of counts) {
    const idf = idfOf(feature);
    if (idf === undefined) continue;
    entries.push({ feature, weight: (1 + Math.log(tf)) * idf });
  }
  return entries;
}

/**
 * Builds the index. Documents keep the order given; the result does not depend on feature order.
 * With `labels` (one per text), IDF counts labels instead of documents: a feature found in the examples of many
 * intents ("how long", "什么时候") weighs little, one specific to a few intents ("退货", "refund") weighs much.
 */
export function buildTfidfIndex(
  texts: readonly string[],
  ngrams: NgramOptions = DEFAULT_NGRAMS,
  labels?: readonly string[],
): TfidfIndex {
  const counted = texts.map((t) => countFeatures(tokenizeForMatching(t, ngrams)));
  const groups = new Map<string, Set<string>>();
  counted.forEach((counts, d) => {
    const label = labels?.[d] ?? String(d);
    for (const f of counts.keys()) {
      const set = groups.get(f) ?? new Set<string>();
      set.add(label);
      groups.set(f, set);
    }
  });
  // Feature ids in sorted order, so ids never depend on document order.
  const features = [...groups.keys()].sort();
  const vocabulary = new Map<string, number>(features.map((f, i) => [f, i]));
  const n = labels === undefined ? texts.length : new Set(labels).size;
  const idf = new Float64Array(features.length);
  features.forEach((f, i) => {
    idf[i] = Math.log((n + 1) / ((groups.get(f)?.size ?? 0) + 1)) + 1;
  });
  const unknownIdf = Math.log(n + 1) + 1;

  const documents: SparseVector[] = counted.map((counts) => {
    const entries = weigh(counts, (f) => {
      const id = vocabulary.get(f);
      return id === undefined ? undefined : idf[id];
    });
    const pairs = entries.map((e) => ({ id: vocabulary.get(e.feature) ?? -1, weight: e.weight }));
    pairs.sort((a, b) => a.id - b.id);
    let norm = 0;
    for (const p of pairs) norm += p.weight * p.weight;
    norm = Math.sqrt(norm) || 1;
    return {
      ids: Int32Array.from(pairs, (p) => p.id),
      weights: Float64Array.from(pairs, (p) => p.weight / norm),
    };
  });

  const lengths = new Int32Array(features.length);
  for (const doc of documents) for (const id of doc.ids) lengths[id] = (lengths[id] ?? 0) + 1;
  const postings = features.map((_, i) => ({
    docs: new Int32Array(lengths[i] ?? 0),
    weights: new Float64Array(lengths[i] ?? 0),
  }));
  const fill = new Int32Array(features.length);
  documents.forEach((doc, d) => {
    for (let k = 0; k < doc.ids.length; k++) {
      const id = doc.ids[k] ?? 0;
      const posting = postings[id];
      const at = fill[id] ?? 0;
      if (posting === undefined) continue;
      posting.docs[at] = d;
      posting.weights[at] = doc.weights[k] ?? 0;
      fill[id] = at + 1;
    }
  });
  return { size: texts.length, vocabulary, idf, unknownIdf, documents, postings, ngrams };
}

/** Vectorises a query; features unknown to the index still count in its norm (they lower every cosine). */
export function vectorizeQuery(index: TfidfIndex, text: string): QueryVector {
  const counts = countFeatures(tokenizeForMatching(text, index.ngrams));
  const pairs: { id: number; weight: number }[] = [];
  let norm = 0;
  let unknown = 0;
  for (const [feature, tf] of counts) {
    const id = index.vocabulary.get(feature);
    const w = (1 + Math.log(tf)) * (id === undefined ? index.unknownIdf : (index.idf[id] ?? 0));
    norm += w * w;
    if (id === undefined) unknown += w * w;
    else pairs.push({ id, weight: w });
  }
  pairs.sort((a, b) => a.id - b.id);
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    ids: Int32Array.from(pairs, (p) => p.id),
    weights: Float64Array.from(pairs, (p) => p.weight * scale),
    unknownShare: norm > 0 ? unknown / norm : 0,
  };
}

/** A document vector as a query (for leave-one-out): no unknown features. */
export function documentAsQuery(index: TfidfIndex, doc: number): QueryVector {
  const vector = index.documents[doc];
  return vector === undefined
    ? { ids: new Int32Array(0), weights: new Float64Array(0), unknownShare: 0 }
    : { ids: vector.ids, weights: vector.weights, unknownShare: 0 };
}

/**
 * Cosine similarity of the query to every document, written into `scores` (length = index size).
 * Returns the indexes of documents with a non-zero score, in the (deterministic) order they were first reached.
 */
export function cosineScores(index: TfidfIndex, query: QueryVector, scores: Float64Array): number[] {
  scores.fill(0);
  const touched: number[] = [];
  for (let k = 0; k < query.ids.length; k++) {
    const posting = index.postings[query.ids[k] ?? -1];
    if (posting === undefined) continue;
    const qw = query.weights[k] ?? 0;
    for (let j = 0; j < posting.docs.length; j++) {
      const d = posting.docs[j] ?? 0;
      if (scores[d] === 0) touched.push(d);
      scores[d] = (scores[d] ?? 0) + qw * (posting.weights[j] ?? 0);
    }
  }
  return touched;
}
