/**
 * The built-in dense fallback: character n-grams hashed into a fixed number of dimensions (signed feature
 * hashing), weighted by IDF fitted on the knowledge base, L2-normalised. Deterministic, no model, no download.
 */
import { normalizeForPhrases } from '../../core/engine/phrases.js';
import { fnv1a } from '../../core/math/hash.js';
import type { Embedder } from '../../core/ports/inference.js';
import { stemWord } from '../text/stem.js';

const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** The hashed features of a text: Chinese characters and bigrams, English stems and their character trigrams. */
export function hashedFeatures(text: string): string[] {
  const norm = normalizeForPhrases(text);
  const out: string[] = [];
  for (const part of norm.matchAll(HAN_RUN)) {
    const chars = [...part[0]];
    chars.forEach((c, i) => {
      out.push(c);
      const next = chars[i + 1];
      if (next !== undefined) out.push(`${c}${next}`);
    });
  }
  for (const part of norm.replace(HAN_RUN, ' ').matchAll(WORD)) {
    const stem = stemWord(part[0]);
    out.push(`w:${stem}`);
    const padded = `#${stem}#`;
    for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  }
  return out;
}

export interface HashedEmbedderOptions {
  /** Default 256. */
  readonly dimensions?: number;
  /** Texts to fit IDF on (the knowledge base's questions); without them every feature weighs 1. */
  readonly corpus?: readonly string[];
}

/** Creates the hashed n-gram embedder. */
export function createHashedEmbedder(options: HashedEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 256;
  const corpus = options.corpus ?? [];
  const df = new Map<string, number>();
  for (const text of corpus) for (const f of new Set(hashedFeatures(text))) df.set(f, (df.get(f) ?? 0) + 1);
  const n = corpus.length;
  const unknownIdf = n === 0 ? 1 : Math.log((n + 1) / 1) + 1;
  const idf = (f: string): number => {
    if (n === 0) return 1;
    const d = df.get(f);
    return d === undefined ? unknownIdf : Math.log((n + 1) / (d + 1)) + 1;
  };
  const embedOne = (text: string): Float32Array => {
    const v = new Float32Array(dimensions);
    const counts = new Map<string, number>();
    for (const f of hashedFeatures(text)) counts.set(f, (counts.get(f) ?? 0) + 1);
    for (const [f, tf] of counts) {
      const h = fnv1a(f);
      const sign = (h & 1) === 0 ? 1 : -1;
      const bucket = (h >>> 1) % dimensions;
      v[bucket] = (v[bucket] ?? 0) + sign * (1 + Math.log(tf)) * idf(f);
    }
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += (v[i] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < dimensions; i++) v[i] = (v[i] ?? 0) / norm;
    return v;
  };
  return {
    name: `hashed-ngram-${dimensions}`,
    dimensions,
    embed: (texts, opts) => {
      if (opts?.signal?.aborted === true) return Promise.reject(opts.signal.reason as Error);
      return Promise.resolve(texts.map(embedOne));
    },
  };
}
