/** Calibrated confidence of knowledge-graph answers, fitted on questions generated from the bot's own data. */
export * from './random.js';
export * from './templates.js';
export * from './graph-parts.js';
export * from './case-types.js';
export * from './cases.js';
export * from './positive-cases.js';
export * from './negative-cases.js';
export * from './samples.js';
export * from './fit.js';
