/** Chinese word segmentation: jieba (@node-rs/jieba) when it loads, else character bigrams. */
import { createRequire } from 'node:module';

/** Cuts a run of Chinese characters into words. */
export interface Segmenter {
  /** `jieba` or `bigram`. */
  readonly name: string;
  /** Words of a Chinese run, search-style (longer words also yield their parts). */
  cut(run: string): string[];
}

/** Overlapping character bigrams ("退款到账" → 退款, 款到, 到账); a single character stays as it is. */
export function createBigramSegmenter(): Segmenter {
  return {
    name: 'bigram',
    cut: (run) => {
      const chars = [...run];
      if (chars.length < 2) return chars;
      const out: string[] = [];
      for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
      return out;
    },
  };
}

interface JiebaLike {
  cutForSearch(text: string, hmm?: boolean): string[];
}

/**
 * jieba with its bundled dictionary (about 150 ms and 60 MB to load: build one per process and share it),
 * or undefined when the native package is not installed for this platform.
 */
export function createJiebaSegmenter(): Segmenter | undefined {
  try {
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaLike } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    const jieba = Jieba.withDict(dict);
    return { name: 'jieba', cut: (run) => jieba.cutForSearch(run, true) };
  } catch {
    return undefined;
  }
}

/** jieba when available, else bigrams. */
export function createDefaultSegmenter(): Segmenter {
  return createJiebaSegmenter() ?? createBigramSegmenter();
}
