/** The dialogue engine and the plain bot data it runs on. */
export * from './types.js';
export * from './language.js';
export * from './phrases.js';
export * from './graph.js';
export * from './context.js';
export * from './follow-up.js';
export * from './decide.js';
export * from './render.js';
export * from './training.js';
export * from './messages.js';
export * from './engine.js';
