/** What customers type at the handoff: survey scores (pure). */

const DIGIT = /^\s*([1-5])\s*(分|星|颗星|stars?|points?|\/\s*5)?\s*[.!。！]?\s*$/i;
const FULLWIDTH = '１２３４５';
const STARS = /^\s*(⭐|★){1,5}\s*$/u;

/** A 1-5 satisfaction score from "4", "４", "5分", "3 stars", "⭐⭐⭐"; undefined for anything else. */
export function parseRating(text: string): number | undefined {
  const normalised = [...text].map((c) => {
    const i = FULLWIDTH.indexOf(c);
    return i >= 0 ? String(i + 1) : c;
  });
  const joined = normalised.join('');
  const m = DIGIT.exec(joined);
  if (m?.[1] !== undefined) return Number(m[1]);
  if (STARS.test(joined)) return [...joined.trim()].length;
  return undefined;
}
