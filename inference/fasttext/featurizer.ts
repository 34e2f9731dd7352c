/** Hashed word and character n-gram features (pure): the input side of the fastText-style model. */

import { bucketOf } from './hash.js';
import { normalizeText, segment } from './normalize.js';

/** Relative weight of each feature group in the embedding bag's weighted mean. */
export interface FeatureWeights {
  /** Latin word unigrams. */
  readonly word: number;
  /** Latin word n-grams of order >= 2. */
  readonly wordNgram: number;
  /** Latin character n-grams (with `<` `>` word boundary marks). */
  readonly char: number;
  /** CJK character n-grams. */
  readonly cjk: number;
}

/** How texts become bucket ids. Saved with the model: serving must use the training configuration. */
export interface FeaturizerConfig {
  /** Number of hash buckets (rows of the hashed embedding space). */
  readonly buckets: number;
  /** Highest word n-gram order for Latin words (1 = unigrams only, 2 = + bigrams). */
  readonly wordNgrams: number;
  /** Character n-gram orders [min, max] over each Latin word padded as `<word>`; [0, 0] disables. */
  readonly charNgrams: readonly [number, number];
  /** Character n-gram orders [min, max] over each CJK run (no segmenter needed); [0, 0] disables. */
  readonly cjkNgrams: readonly [number, number];
  readonly weights: FeatureWeights;
  /** Cap on distinct features per text (the longest texts are truncated at feature level). */
  readonly maxFeatures: number;
}

/**
 * Defaults measured on the tuning splits (CLINC150 train->val, xSID-zh cross-validation): word features weigh 3x a
 * character n-gram; CJK n-grams weigh 6x, so that in mixed texts the Chinese words outweigh Latin names and titles
 * (within one script the scale does not matter, the bag is a weighted mean).
 */
export const DEFAULT_FEATURIZER: FeaturizerConfig = Object.freeze({
  buckets: 1 << 20,
  wordNgrams: 2,
  charNgrams: [3, 5] as const,
  cjkNgrams: [1, 3] as const,
  weights: Object.freeze({ word: 3, wordNgram: 3, char: 1, cjk: 6 }),
  maxFeatures: 1024,
});

/** Sparse features of one text: distinct bucket ids (ascending) and their summed weights. */
export interface Features {
  readonly ids: Int32Array;
  readonly weights: Float32Array;
}

/** Turns a text into hashed features. Deterministic; never throws (an empty text gives no features). */
export function featurize(text: string, config: FeaturizerConfig): Features {
  const raw: number[] = [];
  const rawWeights: number[] = [];
  const add = (tag: string, s: string, w: number): void => {
    if (w <= 0) return;
    raw.push(bucketOf(tag, s, config.buckets));
    rawWeights.push(w);
  };
  const words: string[] = [];
  const [cMin, cMax] = config.charNgrams;
  const [kMin, kMax] = config.cjkNgrams;
  for (const seg of segment(normalizeText(text))) {
    if (seg.kind === 'cjk') {
      const chars = seg.chars;
      for (let n = Math.max(1, kMin); n <= kMax; n++) {
        for (let i = 0; i + n <= chars.length; i++) add('k', chars.slice(i, i + n).join(''), config.weights.cjk);
      }
      continue;
    }
    const word = seg.chars.join('');
    words.push(word);
    add('w', word, config.weights.word);
    if (cMax > 0) {
      const padded = ['<', ...seg.chars, '>'];
      for (let n = Math.max(1, cMin); n <= cMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) {
          if (n === padded.length) continue; // the whole "<word>" duplicates the word feature
          add('c', padded.slice(i, i + n).join(''), config.weights.char);
        }
      }
    }
  }
  for (let n = 2; n <= config.wordNgrams; n++) {
    for (let i = 0; i + n <= words.length; i++) add('b', words.slice(i, i + n).join(' '), config.weights.wordNgram);
  }
  return mergeFeatures(raw, rawWeights, config.maxFeatures);
}

/** Sorts ids, sums the weights of repeated ids, keeps at most `max` (the first ids in ascending order). */
function mergeFeatures(ids: number[], weights: number[], max: number): Features {
  const order = ids.map((_, i) => i).sort((a, b) => (ids[a] as number) - (ids[b] as number) || a - b);
  const outIds: number[] = [];
  const outW: number[] = [];
  for (const i of order) {
    const id = ids[i] as number;
    const w = weights[i] as number;
    const last = outIds.length - 1;
    if (last >= 0 && outIds[last] === id) outW[last] = (outW[last] as number) + w;
    else {
      if (outIds.length >= max) break;
      outIds.push(id);
      outW.push(w);
    }
  }
  return { ids: Int32Array.from(outIds), weights: Float32Array.from(outW) };
}
