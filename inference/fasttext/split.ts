/** Seeded stratified splitting and synthetic out-of-scope queries (pure). */

import { createPrng, deriveSeed, shuffleInPlace } from '../../core/math/prng.js';
import { canonicalOrder, compareStrings } from './dataset.js';
import type { LabeledText } from './dataset.js';
import { normalizeText, segment } from './normalize.js';

/**
 * Holds out about `fraction` of each intent (never its only example): same result for any input order.
 * Returns [train, heldOut].
 */
export function stratifiedSplit(
  examples: readonly LabeledText[],
  fraction: number,
  seed: number,
): [LabeledText[], LabeledText[]] {
  const byIntent = new Map<string, LabeledText[]>();
  for (const e of canonicalOrder(examples)) {
    const list = byIntent.get(e.intent) ?? [];
    list.push(e);
    byIntent.set(e.intent, list);
  }
  const train: LabeledText[] = [];
  const held: LabeledText[] = [];
  [...byIntent.keys()].sort(compareStrings).forEach((intent, i) => {
    const list = shuffleInPlace([...(byIntent.get(intent) ?? [])], createPrng(deriveSeed(seed, i)));
    const k = list.length >= 2 ? Math.min(list.length - 1, Math.max(1, Math.round(list.length * fraction))) : 0;
    held.push(...list.slice(0, k));
    train.push(...list.slice(k));
  });
  return [train, held];
}

/** Folds for k-fold cross-validation, stratified by intent: fold i = the i-th held-out part. */
export function stratifiedFolds(examples: readonly LabeledText[], k: number, seed: number): LabeledText[][] {
  const folds: LabeledText[][] = Array.from({ length: k }, () => []);
  const byIntent = new Map<string, LabeledText[]>();
  for (const e of canonicalOrder(examples)) byIntent.set(e.intent, [...(byIntent.get(e.intent) ?? []), e]);
  let offset = 0;
  [...byIntent.keys()].sort(compareStrings).forEach((intent, i) => {
    const list = shuffleInPlace([...(byIntent.get(intent) ?? [])], createPrng(deriveSeed(seed, i)));
    list.forEach((e, j) => folds[(offset + j) % k]?.push(e));
    offset += list.length;
  });
  return folds;
}

/**
 * Synthetic out-of-scope queries for calibration when no real ones are given: random letter strings,
 * random CJK characters, and "word salad" drawn from the training vocabulary across intents.
 */
export function syntheticOutOfScope(examples: readonly LabeledText[], count: number, seed: number): string[] {
  const prng = createPrng(deriveSeed(seed, 77));
  const words = new Set<string>();
  const cjk = new Set<string>();
  for (const e of canonicalOrder(examples)) {
    for (const seg of segment(normalizeText(e.text))) {
      if (seg.kind === 'word') words.add(seg.chars.join(''));
      else for (const ch of seg.chars) cjk.add(ch);
    }
  }
  const vocab = [...words].sort(compareStrings);
  const chars = [...cjk].sort(compareStrings);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const len = 2 + prng.int(6);
    if (kind === 0 || (kind === 1 && chars.length === 0) || (kind === 2 && vocab.length === 0)) {
      const ws = Array.from({ length: len }, () =>
        Array.from({ length: 2 + prng.int(7) }, () => letters[prng.int(letters.length)] ?? 'x').join(''),
      );
      out.push(ws.join(' '));
    } else if (kind === 1) {
      out.push(Array.from({ length: len + 2 }, () => chars[prng.int(chars.length)] ?? '').join(''));
    } else {
      out.push(Array.from({ length: len }, () => vocab[prng.int(vocab.length)] ?? '').join(' '));
    }
  }
  return out;
}
