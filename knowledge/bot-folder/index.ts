/** Bot folders: the on-disk format of a bot (YAML/JSON) and its loader into the engine's `BotDefinition`. */
export type { BotDefinition } from '../../core/engine/types.js';
export * from './schema.js';
export * from './problems.js';
export * from './validate.js';
export * from './csv.js';
export * from './load.js';
export * from './demo.js';
