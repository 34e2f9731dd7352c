import type { Language } from './types.js';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

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
  const pick = (lang: Language): Language => (supported.includes(lang) ? lang : fallback);
  if (HAN.test(text)) return pick('zh');
  if (LATIN.test(text)) return pick('en');
  for (const hint of hints) {
    const lower = hint?.toLowerCase();
    if (lower === undefined) continue;
    if (lower.startsWith('zh')) return pick('zh');
    if (lower.startsWith('en')) return pick('en');
  }
  return fallback;
}
