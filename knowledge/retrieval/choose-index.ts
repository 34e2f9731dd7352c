/**
 * Which vector index serves a knowledge base: exact float32 scan for small ones, the int8 scan with re-rank for
 * large ones (exact up to rounding, built in one pass), HNSW for very large ones or when asked for.
 */
import type { Logger } from '../../core/logger.js';
import { createHnswIndex, hnswAvailable, type HnswOptions } from './hnsw-index.js';
import { createQuantizedIndex, quantizedAvailable, type QuantizedOptions } from './quantized-index.js';
import { createExactIndex, type VectorIndex } from './vector-index.js';

export type VectorIndexKind = 'exact' | 'quantized' | 'hnsw';

export interface VectorIndexPolicy {
  /** `auto` (default) picks by size. */
  readonly kind?: 'auto' | VectorIndexKind;
  /** `auto`: the int8 scan at or above this many vectors (default 20,000). */
  readonly quantizedThreshold?: number;
  /** `auto`: HNSW at or above this many vectors (default 2,000,000). */
  readonly hnswThreshold?: number;
  readonly quantized?: QuantizedOptions;
  readonly hnsw?: HnswOptions;
}

export const DEFAULT_QUANTIZED_THRESHOLD = 20_000;
export const DEFAULT_HNSW_THRESHOLD = 2_000_000;

/** The index kind for `size` vectors under `policy`, given which native indexes load. Pure. */
export function chooseIndexKind(
  size: number,
  policy: VectorIndexPolicy,
  available: { readonly quantized: boolean; readonly hnsw: boolean },
): VectorIndexKind {
  const wanted =
    policy.kind !== undefined && policy.kind !== 'auto'
      ? policy.kind
      : size >= (policy.hnswThreshold ?? DEFAULT_HNSW_THRESHOLD)
        ? 'hnsw'
        : size >= (policy.quantizedThreshold ?? DEFAULT_QUANTIZED_THRESHOLD)
          ? 'quantized'
          : 'exact';
  if (wanted === 'hnsw' && !available.hnsw) return available.quantized ? 'quantized' : 'exact';
  if (wanted === 'quantized' && !available.quantized) return 'exact';
  return wanted;
}

/** Builds the index `chooseIndexKind` picks; a native index that cannot load falls back (logged once here). */
export function createVectorIndex(
  data: Float32Array,
  dimensions: number,
  policy: VectorIndexPolicy = {},
  log?: Logger,
): VectorIndex {
  const size = dimensions > 0 ? data.length / dimensions : 0;
  const available = { quantized: quantizedAvailable(), hnsw: hnswAvailable() };
  const kind = chooseIndexKind(size, policy, available);
  if (policy.kind !== undefined && policy.kind !== 'auto' && policy.kind !== kind) {
    log?.warn(
      { event: 'retrieval.index_fallback', wanted: policy.kind, used: kind },
      'the configured vector index needs usearch, which does not load here; using a fallback',
    );
  }
  if (kind === 'hnsw') return createHnswIndex(data, dimensions, policy.hnsw);
  if (kind === 'quantized') return createQuantizedIndex(data, dimensions, policy.quantized);
  return createExactIndex(data, dimensions);
}
