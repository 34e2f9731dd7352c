/**
 * BERT text normalisation and pre-tokenisation, following the semantics of the Hugging Face `tokenizers`
 * BertNormalizer and BertPreTokenizer (the ones a `tokenizer.json` names), as pure functions.
 */

export interface BertNormalizerConfig {
  /** Drop control characters, U+0000 and U+FFFD; map whitespace to a space. */
  cleanText: boolean;
  /** Surround every CJK ideograph with spaces. */
  handleChineseChars: boolean;
  /** Decompose (NFD) and drop non-spacing marks; `undefined` follows `lowercase`. */
  stripAccents: boolean | undefined;
  lowercase: boolean;
}

const CONTROL = /\p{C}/u;
const WHITESPACE = /\s/u;
const NONSPACING_MARK = /\p{Mn}/gu;
const PUNCTUATION = /\p{P}/u;

/** Whether a code point is a CJK ideograph (the ranges BERT spaces out). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Whitespace as BERT sees it: tab, newline, carriage return and Unicode White_Space. */
export function isBertWhitespace(ch: string): boolean {
  return ch === '\t' || ch === '\n' || ch === '\r' || WHITESPACE.test(ch);
}

function isBertControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/** ASCII punctuation (including symbols such as `$`, `+`, `^`) or any Unicode punctuation. */
export function isBertPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  return PUNCTUATION.test(ch);
}

/** Normalises a text the way BertNormalizer does (clean, space CJK, strip accents, lowercase, in that order). */
export function normalizeBert(text: string, config: BertNormalizerConfig): string {
  let out = text;
  if (config.cleanText) {
    let cleaned = '';
    for (const ch of out) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp === 0 || cp === 0xfffd || isBertControl(ch)) continue;
      cleaned += isBertWhitespace(ch) ? ' ' : ch;
    }
    out = cleaned;
  }
  if (config.handleChineseChars) {
    let spaced = '';
    for (const ch of out) spaced += isChineseChar(ch.codePointAt(0) ?? 0) ? ` ${ch} ` : ch;
    out = spaced;
  }
  if (config.stripAccents ?? config.lowercase) out = out.normalize('NFD').replace(NONSPACING_MARK, '');
  if (config.lowercase) out = out.toLowerCase();
  return out;
}

/** Splits on whitespace (dropped) and isolates every punctuation character (BertPreTokenizer). */
export function preTokenizeBert(text: string): string[] {
  const words: string[] = [];
  let current = '';
  for (const ch of text) {
    if (isBertWhitespace(ch)) {
      if (current !== '') words.push(current);
      current = '';
    } else if (isBertPunctuation(ch)) {
      if (current !== '') words.push(current);
      words.push(ch);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') words.push(current);
  return words;
}
