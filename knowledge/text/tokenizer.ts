/** Retrieval tokens of a text: Chinese words (+ character bigrams), stemmed English words, numbers (pure). */
import { normalizeForPhrases } from '../../core/engine/phrases.js';
import type { Segmenter } from './segmenter.js';
import { stemWord } from './stem.js';
import { CHINESE_STOPWORDS, ENGLISH_STOPWORDS } from './stopwords.js';

const HAN_RUN = /\p{Script=Han}+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
const HAN = /\p{Script=Han}/u;

/** Turns texts into retrieval tokens. */
export interface Tokenizer {
  /** The segmenter's name (`jieba` or `bigram`). */
  readonly name: string;
  /** Tokens with repeats (term frequency is the count), stopwords dropped. */
  tokens(text: string): string[];
}

export interface TokenizerOptions {
  readonly segmenter: Segmenter;
  /** Also emit Chinese character bigrams next to the segmenter's words (default true: robust to odd cuts and typos). */
  readonly bigrams?: boolean;
}

/**
 * Chinese runs are segmented (words that are stopwords dropped), and, by default, their character bigrams are
 * added with a `~` prefix so they never collide with words; other runs are split into words, stopwords dropped,
 * and stemmed ("shipped" → "ship"). Text is NFKC-normalised and lowercased first.
 */
export function createTokenizer(options: TokenizerOptions): Tokenizer {
  const { segmenter } = options;
  const bigrams = options.bigrams ?? true;
  const tokens = (text: string): string[] => {
    const norm = normalizeForPhrases(text);
    const out: string[] = [];
    // Latin words and numbers: everything outside the Han runs.
    for (const part of norm.replace(HAN_RUN, ' ').matchAll(WORD)) {
      const word = part[0];
      if (ENGLISH_STOPWORDS.has(word)) continue;
      out.push(stemWord(word));
    }
    for (const part of norm.matchAll(HAN_RUN)) {
      const run = part[0];
      for (const word of segmenter.cut(run)) {
        if (word.length === 0 || CHINESE_STOPWORDS.has(word) || !HAN.test(word)) continue;
        out.push(word);
      }
      if (!bigrams) continue;
      const chars = [...run];
      for (let i = 0; i + 1 < chars.length; i++) {
        const a = chars[i] ?? '';
        const b = chars[i + 1] ?? '';
        if (CHINESE_STOPWORDS.has(a) && CHINESE_STOPWORDS.has(b)) continue;
        out.push(`~${a}${b}`);
      }
    }
    return out;
  };
  return { name: segmenter.name, tokens };
}
