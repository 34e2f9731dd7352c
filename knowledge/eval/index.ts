/** eval-kb: query files, scoring and the runner. */
export * from './queries.js';
export * from './score.js';
export * from './run.js';
