/** Text normalisation and character n-gram features for lexical matching (pure, no dependencies). */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Normalises a text for matching: NFKC (full-width → half-width), lowercase, apostrophes dropped
 * ("where's" → "wheres"), punctuation and symbols replaced by spaces, whitespace collapsed.
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[\p{P}\p{S}\p{C}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a character is CJK (Han, kana or Hangul). */
export function isCjk(char: string): boolean {
  return CJK.test(char);
}

/** A run of characters of one kind, in text order. */
export interface Segment {
  readonly kind: 'cjk' | 'word';
  readonly text: string;
}

/** Splits a normalised text into CJK runs and Latin/number words. */
export function segmentForMatching(normalized: string): Segment[] {
  const segments: Segment[] = [];
  let current = '';
  let kind: Segment['kind'] | undefined;
  const flush = (): void => {
    if (kind !== undefined && current.length > 0) segments.push({ kind, text: current });
    current = '';
    kind = undefined;
  };
  for (const char of normalized) {
    const next: Segment['kind'] | undefined = isCjk(char) ? 'cjk' : WORD_CHAR.test(char) ? 'word' : undefined;
    if (next !== kind) flush();
    if (next === undefined) continue;
    kind = next;
    current += char;
  }
  flush();
  return segments;
}

/** Which n-grams to extract. */
export interface NgramOptions {
  /** CJK character n-gram sizes (default 1..3). */
  readonly cjk: readonly [min: number, max: number];
  /** Latin character n-gram sizes over the word padded with boundary marks (default 2..4). */
  readonly word: readonly [min: number, max: number];
}

export const DEFAULT_NGRAMS: NgramOptions = { cjk: [1, 3], word: [2, 4] };

function ngrams(chars: readonly string[], min: number, max: number, out: string[]): void {
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  }
}

/**
 * The matching features of a text: character n-grams of its CJK runs (1–3) and of its words padded with
 * boundary marks (2–4, e.g. " wh", "whe", "ere "), with repeats (term frequency is the count).
 */
export function tokenizeForMatching(text: string, options: NgramOptions = DEFAULT_NGRAMS): string[] {
  const out: string[] = [];
  for (const segment of segmentForMatching(normalizeForMatching(text))) {
    if (segment.kind === 'cjk') {
      ngrams([...segment.text], options.cjk[0], options.cjk[1], out);
    } else {
      ngrams([' ', ...segment.text, ' '], options.word[0], options.word[1], out);
    }
  }
  return out;
}

/** Term frequencies of a feature list. */
export function countFeatures(features: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts;
}
