/** The polite message a throttled customer gets, in their language (pure). */
import { languageOfText } from '../../core/engine/language.js';

/** Throttle texts by language; `{seconds}` is replaced by the wait. */
export interface ThrottleTexts {
  readonly zh: string;
  readonly en: string;
}

/** The default texts (overridable per language with `limits.message`). */
export const DEFAULT_THROTTLE_TEXTS: ThrottleTexts = Object.freeze({
  zh: '您发送消息的速度有点快，请稍等 {seconds} 秒后再发，我们马上为您服务。',
  en: "You're sending messages a little quickly. Please wait {seconds} seconds and try again; we'll be right with you.",
});

/** Merges configured overrides over the defaults. */
export function throttleTexts(
  overrides: { readonly zh?: string | undefined; readonly en?: string | undefined } = {},
): ThrottleTexts {
  return { zh: overrides.zh ?? DEFAULT_THROTTLE_TEXTS.zh, en: overrides.en ?? DEFAULT_THROTTLE_TEXTS.en };
}

/**
 * The throttle message for a customer who wrote `text` (channel locale `locale`): Chinese when the text has Chinese
 * characters, English for Latin letters, else the locale, else `fallback`.
 */
export function throttleMessage(
  texts: ThrottleTexts,
  input: { readonly text: string; readonly locale?: string | undefined; readonly seconds: number },
  fallback: 'zh' | 'en' = 'zh',
): string {
  const detected = languageOfText(input.text, [input.locale]);
  const lang = detected === 'en' || detected === 'zh' ? detected : fallback;
  return texts[lang].replaceAll('{seconds}', String(input.seconds));
}
