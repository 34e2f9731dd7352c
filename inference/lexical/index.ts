/** Lexical (character n-gram TF-IDF) intent classification, pure TypeScript. */
export * from './normalize.js';
export * from './tfidf-index.js';
export * from './calibration.js';
export * from './intent-ranking.js';
export * from './leave-one-out.js';
export * from './classifier.js';
