/**
 * Exact search on 8-bit codes, then an exact re-rank: every vector is scanned, but as int8 (a quarter of the bytes
 * of float32, and SIMD integer dot products in usearch's native kernel), and the best `k × rerank` are re-scored on
 * the float32 rows. Build is a single pass (no graph), recall does not depend on the data having structure (random
 * vectors, which defeat graph indexes, are found as well as clustered ones), and an update is a rebuild in seconds.
 *
 * Quantization is per dimension and symmetric: code_j = round(x_j · s_j) with s_j = 127 / max_i |x_ij|; the query
 * is mapped with q_j / s_j (then scaled to fill int8), so the code dot product is proportional to ⟨x, q⟩ up to
 * rounding, and the re-rank removes the rounding from the final order.
 */
import { createRequire } from 'node:module';
import { BotError } from '../../core/errors.js';
import { TopK, type Hit } from './top-k.js';
import { dotRow, type VectorIndex } from './vector-index.js';

export interface QuantizedOptions {
  /** Candidates re-scored in float32 per result wanted (default 4; at least 32 candidates in all). */
  readonly rerank?: number;
  /** Threads of the native scan (default 1: one query per call is memory-bound, and threads are spawned per call). */
  readonly threads?: number;
}

interface UsearchExact {
  exactSearch(
    dataset: Int8Array,
    queries: Int8Array,
    dimensions: number,
    count: number,
    metric: string,
    threads: number,
  ): { keys: BigUint64Array };
}

function loadExactSearch(): UsearchExact | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('usearch') as Partial<UsearchExact>;
    return typeof mod.exactSearch === 'function' ? (mod as UsearchExact) : undefined;
  } catch {
    return undefined;
  }
}

/** Per-dimension scales s_j = 127 / max |x_j| (1 for an all-zero dimension). Pure. */
export function dimensionScales(data: Float32Array, dimensions: number): Float32Array {
  const maxAbs = new Float32Array(dimensions);
  for (let i = 0; i < data.length; i++) {
    const j = i % dimensions;
    const a = Math.abs(data[i]!);
    if (a > maxAbs[j]!) maxAbs[j] = a;
  }
  return maxAbs.map((m) => (m > 0 ? 127 / m : 1));
}

/** The int8 codes of `data` (row-major) under `scales`. Pure. */
export function quantizeRows(data: Float32Array, scales: Float32Array): Int8Array {
  const dimensions = scales.length;
  // A fresh buffer at offset 0: usearch reads a typed array's whole ArrayBuffer and ignores its byte offset.
  const codes = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) codes[i] = Math.round(data[i]! * scales[i % dimensions]!);
  return codes;
}

/** The int8 code of a query: q_j / s_j, scaled so its largest component is ±127. Pure. */
export function quantizeQuery(query: Float32Array, scales: Float32Array): Int8Array {
  const dimensions = scales.length;
  const mapped = new Float32Array(dimensions);
  let max = 0;
  for (let j = 0; j < dimensions; j++) {
    const v = (query[j] ?? 0) / scales[j]!;
    mapped[j] = v;
    if (Math.abs(v) > max) max = Math.abs(v);
  }
  const code = new Int8Array(dimensions);
  if (max === 0) return code;
  const c = 127 / max;
  for (let j = 0; j < dimensions; j++) code[j] = Math.round(mapped[j]! * c);
  return code;
}

/** Whether the native int8 scan (usearch) loads on this machine. */
export function quantizedAvailable(): boolean {
  return loadExactSearch() !== undefined;
}

/**
 * Builds the int8-scan index over `data` (row-major, n × dimensions, unit vectors; kept, not copied, for re-ranking).
 * @throws BotError `inference.unavailable` when usearch cannot be loaded.
 */
export function createQuantizedIndex(
  data: Float32Array,
  dimensions: number,
  options: QuantizedOptions = {},
): VectorIndex {
  const native = loadExactSearch();
  if (native === undefined) {
    throw new BotError(
      'inference.unavailable',
      'the quantized index needs the usearch package (npm install usearch); use the exact index instead',
    );
  }
  if (dimensions <= 0 || data.length % dimensions !== 0) {
    throw new BotError('inference.model_invalid', `vector data of length ${data.length} is not rows of ${dimensions}`);
  }
  const size = data.length / dimensions;
  const scales = dimensionScales(data, dimensions);
  const codes = quantizeRows(data, scales);
  const rerank = Math.max(1, options.rerank ?? 4);
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  return {
    kind: 'quantized',
    dimensions,
    size,
    search: (query, k): Hit[] => {
      const want = Math.min(k, size);
      if (want <= 0) return [];
      const pool = Math.min(size, Math.max(want * rerank, 32));
      const { keys } = native.exactSearch(codes, quantizeQuery(query, scales), dimensions, pool, 'ip', threads);
      const top = new TopK(want);
      for (let i = 0; i < pool; i++) {
        const row = Number(keys[i]);
        top.push(row, dotRow(data, row, query, dimensions));
      }
      return top.sorted();
    },
  };
}
