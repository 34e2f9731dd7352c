/** `clawbot gateway --workers N`: node:cluster primary and worker sides. */
export * from './messages.js';
export * from './primary.js';
export * from './worker.js';
