/** Okapi BM25 over pre-tokenised documents, with posting lists in typed arrays (pure data after build). */
import { TopK } from './top-k.js';

export interface Bm25Options {
  /** Term-frequency saturation (default 1.2). */
  readonly k1?: number;
  /** Length normalisation (default 0.75). */
  readonly b?: number;
}

/** A BM25 match with how much of the query and of the document it explains. */
export interface Bm25Hit {
  readonly id: number;
  readonly score: number;
  /** IDF mass of the query's distinct tokens found in the document / the query's whole IDF mass (0..1). */
  readonly queryCoverage: number;
  /** IDF mass of the document's distinct tokens found in the query / the document's IDF mass (0..1). */
  readonly docCoverage: number;
}

export interface Bm25Index {
  readonly size: number;
  /** The best `k` documents for the query tokens (documents sharing no token are never returned). */
  search(tokens: readonly string[], k: number): Bm25Hit[];
}

/**
 * Builds a BM25 index. IDF is Lucene's `ln(1 + (N − df + 0.5)/(df + 0.5))`; tokens unknown to the index count in
 * the query's IDF mass with the IDF of a token seen once, so unknown words lower `queryCoverage`.
 */
export function createBm25Index(docs: readonly (readonly string[])[], options: Bm25Options = {}): Bm25Index {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const n = docs.length;
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const docTerms: Map<number, number>[] = docs.map((tokens) => {
    const counts = new Map<number, number>();
    for (const t of tokens) {
      let id = vocab.get(t);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(t, id);
        df.push(0);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of counts.keys()) df[id] = (df[id] ?? 0) + 1;
    return counts;
  });
  const idf = Float64Array.from(df, (d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
  const unknownIdf = Math.log(1 + (n - 1 + 0.5) / 1.5);
  const lengths = Float64Array.from(docs, (d) => d.length);
  const avgLength = n === 0 ? 1 : lengths.reduce((a, x) => a + x, 0) / n || 1;
  const docMass = Float64Array.from(docTerms, (terms) => {
    let m = 0;
    for (const id of terms.keys()) m += idf[id] ?? 0;
    return m;
  });
  // Postings: per term, the documents and their precomputed BM25 term weight (idf excluded).
  const postingDocs: Int32Array[] = [];
  const postingWeights: Float32Array[] = [];
  const fill = new Int32Array(vocab.size);
  for (let t = 0; t < vocab.size; t++) {
    postingDocs.push(new Int32Array(df[t] ?? 0));
    postingWeights.push(new Float32Array(df[t] ?? 0));
  }
  docTerms.forEach((terms, d) => {
    const norm = k1 * (1 - b + (b * (lengths[d] ?? 0)) / avgLength);
    for (const [t, tf] of terms) {
      const at = fill[t] ?? 0;
      const docsOf = postingDocs[t];
      const weightsOf = postingWeights[t];
      if (docsOf === undefined || weightsOf === undefined) continue;
      docsOf[at] = d;
      weightsOf[at] = (tf * (k1 + 1)) / (tf + norm);
      fill[t] = at + 1;
    }
  });
  const scores = new Float64Array(n);
  const matched = new Float64Array(n);

  const search = (tokens: readonly string[], k: number): Bm25Hit[] => {
    const queryTf = new Map<string, number>();
    for (const t of tokens) queryTf.set(t, (queryTf.get(t) ?? 0) + 1);
    let queryMass = 0;
    const touched: number[] = [];
    for (const [token, qtf] of queryTf) {
      const id = vocab.get(token);
      if (id === undefined) {
        queryMass += unknownIdf;
        continue;
      }
      const w = idf[id] ?? 0;
      queryMass += w;
      const docsOf = postingDocs[id] ?? new Int32Array(0);
      const weightsOf = postingWeights[id] ?? new Float32Array(0);
      // Repeated query tokens count with a saturating query-side weight.
      const qw = w * ((qtf * (k1 + 1)) / (qtf + k1));
      for (let j = 0; j < docsOf.length; j++) {
        const d = docsOf[j] ?? 0;
        if (matched[d] === 0) touched.push(d);
        scores[d] = (scores[d] ?? 0) + qw * (weightsOf[j] ?? 0);
        matched[d] = (matched[d] ?? 0) + w;
      }
    }
    const top = new TopK(k);
    for (const d of touched) top.push(d, scores[d] ?? 0);
    const hits = top.sorted().map((h) => ({
      id: h.id,
      score: h.score,
      queryCoverage: queryMass > 0 ? Math.min(1, (matched[h.id] ?? 0) / queryMass) : 0,
      docCoverage: (docMass[h.id] ?? 0) > 0 ? Math.min(1, (matched[h.id] ?? 0) / (docMass[h.id] ?? 1)) : 0,
    }));
    for (const d of touched) {
      scores[d] = 0;
      matched[d] = 0;
    }
    return hits;
  };
  return { size: n, search };
}
