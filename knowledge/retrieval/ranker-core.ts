/**
 * The retrieval half of answer ranking: BM25 and dense search over every unit text, grouped per unit, and the
 * per-candidate features the calibrated model reads (pure given its inputs).
 */
import type { Logger } from '../../core/logger.js';
import type { IntentPrediction } from '../../core/ports/inference.js';
import type { Tokenizer } from '../text/tokenizer.js';
import { createBm25Index, type Bm25Index } from './bm25.js';
import { createVectorIndex, type VectorIndexPolicy } from './choose-index.js';
import type { AnswerUnit } from './units.js';
import { packVectors, type VectorIndex } from './vector-index.js';

/** Names of the features, in vector order. */
export const FEATURE_NAMES = [
  'classifier',
  'classifierRank',
  'queryCoverage',
  'docCoverage',
  'coverageBoth',
  'lexicalRank',
  'cosine',
  'cosineMargin',
  'denseRank',
] as const;

/** One candidate answer unit and its evidence. */
export interface Candidate {
  readonly id: string;
  /** In {@link FEATURE_NAMES} order. */
  readonly features: readonly number[];
  /** The unit text that matched best (lexically, else densely). */
  readonly matched?: string;
}

export interface RankerCoreOptions {
  readonly units: readonly AnswerUnit[];
  readonly tokenizer: Tokenizer;
  /** One vector per unit text, in unit order then text order. */
  readonly vectors: readonly Float32Array[];
  readonly dimensions: number;
  /** Candidates taken from each channel (default 5). */
  readonly perChannel?: number;
  /** Which vector index (default: by size, see {@link createVectorIndex}). */
  readonly vectorIndex?: VectorIndexPolicy;
  /** Where a fallback of the vector index is reported. */
  readonly log?: Logger;
}

export interface RankerCore {
  readonly texts: number;
  readonly vectorIndex: VectorIndex;
  readonly lexical: Bm25Index;
  /** Candidates for a query (its tokens and unit vector), with the classifier's view. */
  candidates(queryTokens: readonly string[], queryVector: Float32Array, prediction?: IntentPrediction): Candidate[];
}

interface UnitHit {
  readonly unit: number;
  readonly doc: number;
}

/** Builds the BM25 and vector indexes over every unit text. */
export function createRankerCore(options: RankerCoreOptions): RankerCore {
  const { units, tokenizer, dimensions } = options;
  const perChannel = options.perChannel ?? 5;
  const docUnit: number[] = [];
  const docText: string[] = [];
  units.forEach((u, i) =>
    u.texts.forEach((t) => {
      docUnit.push(i);
      docText.push(t);
    }),
  );
  const lexical = createBm25Index(docText.map((t) => tokenizer.tokens(t)));
  const data = packVectors(options.vectors, dimensions);
  const vectorIndex = createVectorIndex(data, dimensions, options.vectorIndex, options.log);
  const unitIndex = new Map(units.map((u, i) => [u.id, i]));
  const depth = Math.min(docText.length, Math.max(50, perChannel * 10));

  const byUnit = <T extends { id: number; score: number }>(hits: readonly T[]): (UnitHit & { hit: T })[] => {
    const seen = new Set<number>();
    const out: (UnitHit & { hit: T })[] = [];
    for (const h of hits) {
      const unit = docUnit[h.id] ?? -1;
      if (unit < 0 || seen.has(unit)) continue;
      seen.add(unit);
      out.push({ unit, doc: h.id, hit: h });
    }
    return out;
  };

  const candidates = (
    queryTokens: readonly string[],
    queryVector: Float32Array,
    prediction?: IntentPrediction,
  ): Candidate[] => {
    const lex = byUnit(lexical.search(queryTokens, depth));
    const dense = byUnit(vectorIndex.search(queryVector, depth));
    const classifierRank = new Map<string, { rank: number; confidence: number }>();
    (prediction?.ranking ?? []).forEach((s, i) =>
      classifierRank.set(s.intent, { rank: i + 1, confidence: s.confidence }),
    );

    const picked: number[] = [];
    const add = (unit: number | undefined): void => {
      if (unit !== undefined && unit >= 0 && !picked.includes(unit)) picked.push(unit);
    };
    (prediction?.ranking ?? []).slice(0, perChannel).forEach((s) => add(unitIndex.get(s.intent)));
    lex.slice(0, perChannel).forEach((h) => add(h.unit));
    dense.slice(0, perChannel).forEach((h) => add(h.unit));

    const lexRank = new Map(lex.map((h, i) => [h.unit, { rank: i + 1, hit: h }]));
    const denseRank = new Map(dense.map((h, i) => [h.unit, { rank: i + 1, hit: h }]));
    return picked.map((unit): Candidate => {
      const id = units[unit]?.id ?? '';
      const c = classifierRank.get(id);
      const l = lexRank.get(unit);
      const d = denseRank.get(unit);
      const cosine = d?.hit.hit.score ?? 0;
      let bestOther = 0;
      for (const other of dense) {
        if (other.unit !== unit) {
          bestOther = other.hit.score;
          break;
        }
      }
      const qc = l?.hit.hit.queryCoverage ?? 0;
      const dc = l?.hit.hit.docCoverage ?? 0;
      const matchedDoc = l?.hit.doc ?? d?.hit.doc;
      return {
        id,
        features: [
          c?.confidence ?? 0,
          c === undefined ? 0 : 1 / c.rank,
          qc,
          dc,
          qc * dc,
          l === undefined ? 0 : 1 / l.rank,
          Math.max(0, cosine),
          cosine - bestOther,
          d === undefined ? 0 : 1 / d.rank,
        ],
        ...(matchedDoc === undefined ? {} : { matched: docText[matchedDoc] ?? '' }),
      };
    });
  };
  return { texts: docText.length, vectorIndex, lexical, candidates };
}
