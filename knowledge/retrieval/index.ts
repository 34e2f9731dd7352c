/** Hybrid retrieval: BM25, dense vectors (exact, int8 scan with re-rank, or HNSW), rank fusion and calibrated answer ranking. */
export * from './top-k.js';
export * from './bm25.js';
export * from './vector-index.js';
export * from './hnsw-index.js';
export * from './quantized-index.js';
export * from './choose-index.js';
export * from './hashed-embedder.js';
export * from './rrf.js';
export * from './units.js';
export * from './out-of-scope.js';
export * from './ranker-core.js';
export * from './calibration-fit.js';
export * from './hybrid-ranker.js';
