/** Case- and width-insensitive phrase matching with word boundaries for Latin edges, optionally typo-tolerant (pure). */
import { findWithTypos, latinTokens } from './fuzzy.js';

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
  /** Words matched with a typo (0 for an exact match). */
  readonly typos: number;
}

export interface PhraseMatcherOptions {
  /** Applied after {@link normalizeForPhrases} to both phrases and texts (e.g. Chinese numerals to digits). */
  readonly normalize?: (normalized: string) => string;
  /** Match Latin phrases with one typo per long word too (see `findWithTypos`). Default false. */
  readonly typos?: boolean;
}

/** Finds the longest phrase occurring in a text. */
export interface PhraseMatcher<T> {
  /** The longest match (ties: the earliest, then the first phrase given), or undefined. */
  longest(text: string): PhraseMatch<T> | undefined;
  /** Every phrase that occurs, longest first (exact before typo matches of the same length). */
  all(text: string): PhraseMatch<T>[];
  /** Non-overlapping matches chosen longest first, in text order. */
  mentions(text: string): PhraseMatch<T>[];
  /**
   * {@link mentions} in a text already normalised as this matcher does (e.g. with some spans blanked out by
   * spaces): offsets are into that text as given, not into a re-normalised copy that collapses the blanks.
   */
  mentionsIn(normalized: string): PhraseMatch<T>[];
}

const LATIN_EDGE = /[a-z0-9]/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(norm: string): RegExp | undefined {
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

const LATIN_PHRASE = /^[a-z0-9]+( [a-z0-9]+)*$/;

/** Compiles phrases once; matching runs on {@link normalizeForPhrases} of the text. */
export function createPhraseMatcher<T>(
  entries: readonly { phrase: string; value: T }[],
  options: PhraseMatcherOptions = {},
): PhraseMatcher<T> {
  const extra = options.normalize ?? ((t: string) => t);
  const norm = (t: string): string => extra(normalizeForPhrases(t));
  const compiled = entries.flatMap((e, order) => {
    const n = norm(e.phrase);
    const re = compile(n);
    const words = options.typos === true && LATIN_PHRASE.test(n) ? n.split(' ') : undefined;
    return re === undefined ? [] : [{ re, order, phrase: e.phrase, value: e.value, words }];
  });
  const allIn = (normalized: string): PhraseMatch<T>[] => {
    const tokens = options.typos === true ? latinTokens(normalized) : [];
    const found: (PhraseMatch<T> & { order: number })[] = [];
    for (const c of compiled) {
      const m = c.re.exec(normalized);
      if (m !== null) {
        found.push({ value: c.value, phrase: c.phrase, start: m.index, length: m[0].length, typos: 0, order: c.order });
        continue;
      }
      if (c.words === undefined) continue;
      const fuzzy = findWithTypos(c.words, tokens);
      if (fuzzy !== undefined) {
        found.push({
          value: c.value,
          phrase: c.phrase,
          start: fuzzy.start,
          length: fuzzy.end - fuzzy.start,
          typos: fuzzy.typos,
          order: c.order,
        });
      }
    }
    found.sort((a, b) => b.length - a.length || a.typos - b.typos || a.start - b.start || a.order - b.order);
    return found.map(({ value, phrase, start, length, typos }) => ({ value, phrase, start, length, typos }));
  };
  const all = (text: string): PhraseMatch<T>[] => allIn(norm(text));
  const mentionsIn = (normalized: string): PhraseMatch<T>[] => {
    const chosen: PhraseMatch<T>[] = [];
    for (const m of allIn(normalized)) {
      const overlaps = chosen.some((c) => m.start < c.start + c.length && c.start < m.start + m.length);
      if (!overlaps) chosen.push(m);
    }
    return chosen.sort((a, b) => a.start - b.start);
  };
  return { all, mentions: (text) => mentionsIn(norm(text)), mentionsIn, longest: (text) => all(text)[0] };
}
