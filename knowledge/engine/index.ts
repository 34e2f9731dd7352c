/** The knowledge-backed dialogue engine: building it for a bot, and hot reload. */
export * from './build.js';
export * from './reloadable.js';
