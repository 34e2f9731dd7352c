/** Case- and width-insensitive phrase matching with word boundaries for Latin edges (pure). */

/** NFKC, lowercase, punctuation to spaces, whitespace collapsed: the text phrases are matched in. */
export function normalizeForPhrases(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[\p{P}\p{S}\p{C}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface PhraseMatch<T> {
  readonly value: T;
  /** The phrase as written in the knowledge. */
  readonly phrase: string;
  readonly start: number;
  /** Length of the matched text. */
  readonly length: number;
}

/** Finds the longest phrase occurring in a text. */
export interface PhraseMatcher<T> {
  /** The longest match (ties: the earliest, then the first phrase given), or undefined. */
  longest(text: string): PhraseMatch<T> | undefined;
  /** Every phrase that occurs, longest first. */
  all(text: string): PhraseMatch<T>[];
}

const LATIN_EDGE = /[a-z0-9]/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(phrase: string): RegExp | undefined {
  const norm = normalizeForPhrases(phrase);
  if (norm.length === 0) return undefined;
  // Spaces inside a phrase are optional ("claw phone 15" also matches "clawphone15"); Latin edges need a boundary.
  const body = norm
    .split(' ')
    .map((part) => escape(part))
    .join('\\s*');
  const before = LATIN_EDGE.test(norm[0] ?? '') ? '(?<![a-z0-9])' : '';
  const after = LATIN_EDGE.test(norm[norm.length - 1] ?? '') ? '(?![a-z0-9])' : '';
  return new RegExp(`${before}${body}${after}`, 'u');
}

/** Compiles phrases once; matching runs on {@link normalizeForPhrases} of the text. */
export function createPhraseMatcher<T>(entries: readonly { phrase: string; value: T }[]): PhraseMatcher<T> {
  const compiled = entries.flatMap((e, order) => {
    const re = compile(e.phrase);
    return re === undefined ? [] : [{ re, order, phrase: e.phrase, value: e.value }];
  });
  const all = (text: string): PhraseMatch<T>[] => {
    const norm = normalizeForPhrases(text);
    const found: (PhraseMatch<T> & { order: number })[] = [];
    for (const c of compiled) {
      const m = c.re.exec(norm);
      if (m !== null)
        found.push({ value: c.value, phrase: c.phrase, start: m.index, length: m[0].length, order: c.order });
    }
    found.sort((a, b) => b.length - a.length || a.start - b.start || a.order - b.order);
    return found.map(({ value, phrase, start, length }) => ({ value, phrase, start, length }));
  };
  return { all, longest: (text) => all(text)[0] };
}
