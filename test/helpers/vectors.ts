/** Seeded random unit vectors for the vector-index tests. */
import { createPrng } from '../../core/math/prng.js';

/**
 * `n` unit vectors of `dim` components (row-major), uniform components before normalising; with `uneven`, dimension
 * `j` is stretched by `1 + j % 7` first, as real embeddings have uneven scales per dimension.
 */
export function randomUnitVectors(
  n: number,
  dim: number,
  seed: number,
  options: { uneven?: boolean } = {},
): Float32Array {
  const prng = createPrng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const v = (prng.next() - 0.5) * (options.uneven === true ? 1 + (j % 7) : 1);
      out[i * dim + j] = v;
      norm += v * v;
    }
    for (let j = 0; j < dim; j++) out[i * dim + j]! /= Math.sqrt(norm);
  }
  return out;
}
