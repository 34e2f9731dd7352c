/**
 * Splitting long replies into WeChat-sized pieces by UTF-8 bytes, pure. WeChat cuts or rejects text
 * messages over about 2,047 bytes (≈ 680 Chinese characters); splits prefer paragraph, then line, then
 * sentence, then word boundaries, and never cut inside a character (grapheme cluster).
 */

const encoder = new TextEncoder();

/** UTF-8 length of a string. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** Break candidates, best first: [regex matching the separator, keep the separator at the end of the piece]. */
const BREAKS: readonly RegExp[] = [
  /\n\s*\n/g, // paragraph
  /\n/g, // line
  /[。！？!?；;]+["”’）)]*|[.](?=\s)/g, // sentence end (CJK or Latin)
  /[，、,：:]\s*|\s+/g, // clause or word
];

/** Grapheme boundaries of `text` as UTF-16 offsets (0 excluded, text.length included). */
function graphemeEnds(text: string): number[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const ends: number[] = [];
  for (const seg of segmenter.segment(text)) ends.push(seg.index + seg.segment.length);
  return ends;
}

/** The longest prefix (in UTF-16 units, on a grapheme boundary) whose UTF-8 size is at most `maxBytes`. */
function longestPrefix(text: string, maxBytes: number): number {
  // Only the first maxBytes + 1 UTF-16 units can matter (each is at least one UTF-8 byte); a grapheme cut by
  // this slice ends past maxBytes bytes, so it is never accepted, and boundaries before it are unaffected.
  const head = text.slice(0, maxBytes + 1);
  let best = 0;
  let bytes = 0;
  let prev = 0;
  for (const end of graphemeEnds(head)) {
    bytes += utf8Length(head.slice(prev, end));
    if (bytes > maxBytes) break;
    best = end;
    prev = end;
  }
  return best;
}

/** Where to cut inside `window` (the longest prefix that fits): after the best separator in its second half. */
function bestCut(window: string): number {
  const minimum = Math.floor(window.length / 2);
  for (const re of BREAKS) {
    let cut = -1;
    for (const m of window.matchAll(re)) {
      const end = m.index + m[0].length;
      if (end >= minimum && end <= window.length) cut = end;
    }
    if (cut > 0) return cut;
  }
  return window.length;
}

/**
 * Splits `text` into pieces of at most `maxBytes` UTF-8 bytes, on the most natural boundary available.
 * Pieces are trimmed; an empty text gives no pieces.
 * @example splitUtf8('第一段。\n\n第二段。', 16) // ['第一段。', '第二段。']
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must be at least 4 (one UTF-8 character)');
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    if (utf8Length(rest) <= maxBytes) {
      pieces.push(rest);
      break;
    }
    const fit = longestPrefix(rest, maxBytes);
    // A single grapheme larger than maxBytes (long emoji ZWJ sequences) is cut at code points instead.
    const window = fit > 0 ? rest.slice(0, fit) : firstCodePoints(rest, maxBytes);
    const cut = bestCut(window);
    const piece = window.slice(0, cut).trim();
    if (piece.length > 0) pieces.push(piece);
    rest = rest.slice(cut).trim();
  }
  return pieces;
}

function firstCodePoints(text: string, maxBytes: number): string {
  let out = '';
  for (const ch of text) {
    if (utf8Length(out + ch) > maxBytes) break;
    out += ch;
  }
  return out;
}

/** Cuts `text` to fit `maxBytes` together with `note` appended (the note only when something was cut). Pure. */
export function truncateWithNote(text: string, maxBytes: number, note: string): string {
  if (utf8Length(text) <= maxBytes) return text;
  const room = Math.max(4, maxBytes - utf8Length(note));
  const [first = ''] = splitUtf8(text, room);
  return `${first}${note}`;
}
