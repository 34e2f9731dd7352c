/** A light English stemmer for retrieval: plurals, -ing, -ed, British -our, final -e (pure). */

const VOWEL = /[aeiouy]/;

function undouble(word: string): string {
  const n = word.length;
  if (n >= 3 && word[n - 1] === word[n - 2] && !/[lsz]/.test(word[n - 1] ?? '')) return word.slice(0, -1);
  return word;
}

/**
 * Reduces an English word to a crude stem so inflections meet: "shipped"/"shipping"/"ships" → "ship",
 * "colours"/"colors" → "color", "arrived"/"arrive" → "arriv". Words of three letters or fewer, and
 * anything that is not a lowercase Latin word, are returned as they are.
 */
export function stemWord(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (w.endsWith('our') && w.length > 4) w = `${w.slice(0, -3)}or`;
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}
