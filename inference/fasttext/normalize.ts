/** Text normalisation and script-aware segmentation for the fastText-style featurizer (pure). */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * NFKC (folds full-width to half-width forms), lowercase, apostrophes removed ("what's" -> "whats"),
 * everything that is not a letter, digit or mark turned into a space, whitespace collapsed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}

/** A run of one script class in text order: a Latin-like word, or a run of CJK characters. */
export interface Segment {
  readonly kind: 'word' | 'cjk';
  /** The characters (code points) of the segment. */
  readonly chars: readonly string[];
}

/** Splits a normalised text into words (letters/digits of non-CJK scripts) and CJK runs. */
export function segment(normalized: string): Segment[] {
  const out: Segment[] = [];
  let chars: string[] = [];
  let kind: Segment['kind'] | undefined;
  const flush = (): void => {
    if (kind !== undefined && chars.length > 0) out.push({ kind, chars });
    chars = [];
    kind = undefined;
  };
  for (const ch of normalized) {
    const next: Segment['kind'] | undefined = CJK.test(ch) ? 'cjk' : WORD_CHAR.test(ch) ? 'word' : undefined;
    if (next !== kind) flush();
    if (next === undefined) continue;
    kind = next;
    chars.push(ch);
  }
  flush();
  return out;
}
