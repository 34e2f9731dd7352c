/** Seeded pseudo-random choices (mulberry32, core/math/prng): the same seed gives the same cases on every platform. */
import { createPrng, shuffleInPlace, type Prng } from '../../core/math/prng.js';

/** A seeded random source. Not cryptographic. */
export interface Random extends Prng {
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Up to `n` distinct items, in a random order. */
  sample<T>(items: readonly T[], n: number): T[];
}

export function createRandom(seed: number): Random {
  const prng = createPrng(seed);
  return {
    ...prng,
    pick: <T>(items: readonly T[]): T => items[prng.int(items.length)] as T,
    sample: <T>(items: readonly T[], n: number): T[] => shuffleInPlace([...items], prng).slice(0, n),
  };
}
