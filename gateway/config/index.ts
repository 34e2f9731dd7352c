/** Configuration: the config.yaml schema, loading (env interpolation and overrides), and in-place editing. */
export * from './schema.js';
export * from './channels.js';
export * from './load.js';
export * from './edit.js';
export * from './units.js';
export {
  applyEnvOverrides,
  parseEnvValue,
  ENV_API_KEYS,
  ENV_CONFIG_PATH,
  ENV_PREFIX,
  ENV_REDIS_URL,
} from './env-overrides.js';
export type { AppliedOverride, EnvOverrideResult } from './env-overrides.js';
export { interpolateEnv, interpolateString, formatPath } from './interpolate.js';
export type { ConfigProblem, InterpolationResult } from './interpolate.js';
export { deepFreeze } from './freeze.js';
export { problemsFromZod, configError } from './problems.js';
