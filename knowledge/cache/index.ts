/** QA caches for hot questions. */
export * from './qa-cache.js';
