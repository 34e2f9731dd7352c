/** Typo-tolerant matching of Latin words (pure): bounded Damerau-Levenshtein and token-window phrase matching. */

/** Optimal-string-alignment distance between two strings, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max = 1): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m] ?? max + 1;
}

/** A word of a normalised text with its offsets. */
export interface TextToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const TOKEN = /[a-z0-9]+/g;

/** Latin words and numbers of a normalised text (lowercase), with offsets. */
export function latinTokens(normalized: string): TextToken[] {
  const out: TextToken[] = [];
  for (const m of normalized.matchAll(TOKEN)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

const ALPHA = /^[a-z]+$/;

/**
 * Whether a query word may stand for a phrase word with one typo: both alphabetic (numbers never: "15" ≠ "16"),
 * one edit apart, and long enough: five letters, or four when another word of the phrase matched exactly.
 */
export function typoMatch(query: string, phrase: string, anchored: boolean): boolean {
  if (query === phrase) return true;
  if (!ALPHA.test(query) || !ALPHA.test(phrase)) return false;
  const len = Math.max(query.length, phrase.length);
  if (len < (anchored ? 4 : 5)) return false;
  return editDistance(query, phrase, 1) <= 1;
}

/** A fuzzy occurrence of a Latin phrase: its span in the normalised text and how many words were typos. */
export interface FuzzyOccurrence {
  readonly start: number;
  readonly end: number;
  readonly typos: number;
}

/**
 * Finds a Latin phrase (its words, already normalised) in a text's words allowing one typo per word.
 * Single-word phrases need six letters to be matched with a typo ("wacth" is not taken for "watch" alone,
 * but "claw wacth" is "claw watch"). Returns the first occurrence with at least one typo, or undefined.
 */
export function findWithTypos(words: readonly string[], tokens: readonly TextToken[]): FuzzyOccurrence | undefined {
  const m = words.length;
  if (m === 0) return undefined;
  for (let i = 0; i + m <= tokens.length; i++) {
    let typos = 0;
    let ok = true;
    const anchored = words.some((w, j) => w.length >= 4 && tokens[i + j]?.text === w);
    for (let j = 0; j < m && ok; j++) {
      const q = tokens[i + j]?.text ?? '';
      const p = words[j] ?? '';
      if (q === p) continue;
      if (m === 1 && Math.max(q.length, p.length) < 6) ok = false;
      else if (typoMatch(q, p, anchored)) typos++;
      else ok = false;
    }
    if (ok && typos > 0) return { start: tokens[i]?.start ?? 0, end: tokens[i + m - 1]?.end ?? 0, typos };
  }
  return undefined;
}
