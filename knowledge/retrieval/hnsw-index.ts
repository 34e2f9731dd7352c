/** Approximate nearest neighbours with HNSW, backed by usearch (native, prebuilt on npm). */
import { createRequire } from 'node:module';
import { BotError } from '../../core/errors.js';
import type { Hit } from './top-k.js';
import type { VectorIndex } from './vector-index.js';

export interface HnswOptions {
  /** Graph degree M (default 16). */
  readonly connectivity?: number;
  /** Beam width while building (default 128). */
  readonly efConstruction?: number;
  /** Beam width while searching (default 64); raise for recall, lower for speed. */
  readonly efSearch?: number;
  /** Threads used to add vectors (default 0: all cores). */
  readonly threads?: number;
}

interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(query: Float32Array, k: number, threads?: number): { keys: BigUint64Array; distances: Float32Array };
  size(): number;
}

interface UsearchModule {
  Index: new (options: Record<string, unknown>) => UsearchIndex;
}

function loadUsearch(): UsearchModule {
  try {
    const require = createRequire(import.meta.url);
    return require('usearch') as UsearchModule;
  } catch (error: unknown) {
    throw new BotError(
      'inference.unavailable',
      'the HNSW index needs the usearch package (npm install usearch); use the exact index instead',
      { cause: error },
    );
  }
}

/** Whether the usearch native package loads on this machine. */
export function hnswAvailable(): boolean {
  try {
    loadUsearch();
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds an HNSW index (inner product) over `data` (row-major, n × dimensions, unit vectors).
 * @throws BotError `inference.unavailable` when usearch cannot be loaded.
 */
export function createHnswIndex(
  data: Float32Array,
  dimensions: number,
  options: HnswOptions = {},
): VectorIndex & { setEfSearch(ef: number): void } {
  const { Index } = loadUsearch();
  const size = data.length / dimensions;
  let efSearch = options.efSearch ?? 64;
  const index = new Index({
    metric: 'ip',
    dimensions,
    connectivity: options.connectivity ?? 16,
    expansion_add: options.efConstruction ?? 128,
    expansion_search: efSearch,
  });
  const keys = new BigUint64Array(size);
  for (let i = 0; i < size; i++) keys[i] = BigInt(i);
  if (size > 0) index.add(keys, data, options.threads ?? 0);
  return {
    setEfSearch: (ef: number) => {
      efSearch = Math.max(1, Math.floor(ef));
    },
    kind: 'hnsw',
    dimensions,
    size,
    search: (query, k): Hit[] => {
      if (size === 0) return [];
      // usearch searches with a beam of max(expansion_search, count): asking for efSearch results and keeping the
      // first k sets the beam per query.
      const result = index.search(query, Math.min(Math.max(k, efSearch), size), 1);
      const hits: Hit[] = [];
      for (let i = 0; i < Math.min(k, result.keys.length); i++) {
        // usearch reports inner-product distance as 1 − ip.
        hits.push({ id: Number(result.keys[i]), score: 1 - (result.distances[i] ?? 1) });
      }
      return hits;
    },
  };
}
