/** Nearest-neighbour search over unit vectors by inner product: the exact index (contiguous Float32Array). */
import { BotError } from '../../core/errors.js';
import { TopK, type Hit } from './top-k.js';

/** A searchable set of vectors; ids are insertion positions. */
export interface VectorIndex {
  /** `exact` or `hnsw`. */
  readonly kind: string;
  readonly dimensions: number;
  readonly size: number;
  /** The `k` vectors with the highest inner product with `query`, best first. */
  search(query: Float32Array, k: number): Hit[];
}

/** Copies vectors into one contiguous row-major Float32Array (n × dimensions). */
export function packVectors(vectors: readonly Float32Array[], dimensions: number): Float32Array {
  const out = new Float32Array(vectors.length * dimensions);
  vectors.forEach((v, i) => {
    if (v.length !== dimensions) {
      throw new BotError('inference.model_invalid', `vector ${i} has ${v.length} dimensions, expected ${dimensions}`);
    }
    out.set(v, i * dimensions);
  });
  return out;
}

/** Inner product of row `row` of `data` with `query`. */
export function dotRow(data: Float32Array, row: number, query: Float32Array, dimensions: number): number {
  let s = 0;
  const base = row * dimensions;
  for (let j = 0; j < dimensions; j++) s += (data[base + j] ?? 0) * (query[j] ?? 0);
  return s;
}

/** Exact search: one pass over every row. Fine up to tens of thousands of vectors. */
export function createExactIndex(data: Float32Array, dimensions: number): VectorIndex {
  if (dimensions <= 0 || data.length % dimensions !== 0) {
    throw new BotError('inference.model_invalid', `vector data of length ${data.length} is not rows of ${dimensions}`);
  }
  const size = data.length / dimensions;
  return {
    kind: 'exact',
    dimensions,
    size,
    search: (query, k) => {
      const top = new TopK(Math.min(k, size));
      for (let i = 0; i < size; i++) {
        let s = 0;
        const base = i * dimensions;
        for (let j = 0; j < dimensions; j++) s += data[base + j]! * query[j]!;
        if (s > top.floor) top.push(i, s);
      }
      return top.sorted();
    },
  };
}
