/** Sentence pooling over token embeddings and L2 normalisation (pure). */

export type Pooling = 'mean' | 'cls';

/**
 * Pools one sequence of token vectors (`hidden` laid out [seq, width], possibly longer than `mask` when padded):
 * `cls` takes the first token, `mean` averages the tokens whose mask is 1.
 */
export function poolTokens(
  hidden: Float32Array,
  seqLength: number,
  width: number,
  mask: readonly number[],
  pooling: Pooling,
): Float32Array {
  if (pooling === 'cls') return hidden.slice(0, width);
  const out = new Float32Array(width);
  let count = 0;
  const n = Math.min(seqLength, mask.length);
  for (let t = 0; t < n; t++) {
    if (mask[t] !== 1) continue;
    count++;
    const base = t * width;
    for (let j = 0; j < width; j++) out[j] = (out[j] ?? 0) + (hidden[base + j] ?? 0);
  }
  const divisor = Math.max(count, 1e-9);
  for (let j = 0; j < width; j++) out[j] = (out[j] ?? 0) / divisor;
  return out;
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 1e-12) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
