/** Chinese numerals written out ("十五", "二十") turned into digits for name matching (pure). */

const DIGIT: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * Replaces numbers written with 十 (10–99: 十, 十五, 二十, 二十五) by digits, so "爪机十五" meets "爪机15".
 * Single digits are left alone: 一下, 一个 are not numbers here.
 */
export function chineseNumeralsToDigits(text: string): string {
  return text.replace(/([一二两三四五六七八九])?十([一二三四五六七八九])?/g, (_whole, tens?: string, ones?: string) => {
    const t = tens === undefined ? 1 : (DIGIT[tens] ?? 1);
    const o = ones === undefined ? 0 : (DIGIT[ones] ?? 0);
    return String(t * 10 + o);
  });
}
