/** The WordPiece model: greedy longest-match-first over a vocabulary, `##` for word-internal pieces. */

export interface WordPieceConfig {
  vocab: ReadonlyMap<string, number>;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

/** Splits one pre-tokenised word into vocabulary tokens; a word with any unmatched rest becomes `[UNK]` whole. */
export function wordPiece(word: string, config: WordPieceConfig): string[] {
  const chars = Array.from(word);
  if (chars.length > config.maxInputCharsPerWord) return [config.unkToken];
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: string | undefined;
    while (start < end) {
      let piece = chars.slice(start, end).join('');
      if (start > 0) piece = config.continuingSubwordPrefix + piece;
      if (config.vocab.has(piece)) {
        found = piece;
        break;
      }
      end--;
    }
    if (found === undefined) return [config.unkToken];
    pieces.push(found);
    start = end;
  }
  return pieces;
}
