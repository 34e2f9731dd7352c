import type { Language } from './types.js';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The language a text is written in: any Chinese character → `zh`; Latin letters → `en`; otherwise the first
 * usable hint (e.g. a channel locale "zh-CN"), else undefined.
 */
export function languageOfText(text: string, hints: readonly (string | undefined)[] = []): Language | undefined {
  if (HAN.test(text)) return 'zh';
  if (LATIN.test(text)) return 'en';
  for (const hint of hints) {
    const lower = hint?.toLowerCase();
    if (lower === undefined) continue;
    if (lower.startsWith('zh')) return 'zh';
    if (lower.startsWith('en')) return 'en';
  }
  return undefined;
}

/**
 * The language of a message: any Chinese character → `zh`; Latin letters → `en`; otherwise (emoji, digits,
 * punctuation only) the first usable hint (channel locale, the conversation's last language), else `fallback`.
 * The result is always one of `supported` when `fallback` is.
 */
export function detectLanguage(
  text: string,
  hints: readonly (string | undefined)[],
  supported: readonly Language[],
  fallback: Language,
): Language {
  const lang = languageOfText(text, hints) ?? fallback;
  return supported.includes(lang) ? lang : fallback;
}
