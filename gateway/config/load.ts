/**
 * Loads config.yaml once at start-up: read -> `${ENV}` interpolation -> `CLAWBOT_*` overrides -> programmatic
 * overrides -> zod validation -> deep freeze. Every problem is reported in one `config.invalid` error.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { BotError } from '../../core/errors.js';
import { applyEnvOverrides, ENV_CONFIG_PATH, type AppliedOverride } from './env-overrides.js';
import { getConfigValue } from './edit.js';
import { deepFreeze } from './freeze.js';
import { interpolateEnv, type ConfigProblem } from './interpolate.js';
import { attributeProblems, configError, problemsFromZod } from './problems.js';
import { appConfigSchema, type AppConfig, type AppConfigInput } from './schema.js';

/** The default config file, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'config.yaml';

/** A recursive partial, for programmatic overrides. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Programmatic overrides, applied last (e.g. the CLI's `--port`). */
export type ConfigOverrides = DeepPartial<AppConfigInput>;

export interface LoadConfigOptions {
  /** Path of config.yaml; default `$CLAWBOT_CONFIG`, else `./config.yaml`. A missing file means all defaults. */
  readonly path?: string | undefined;
  /** The environment to interpolate and read overrides from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly overrides?: ConfigOverrides | undefined;
  /** Working directory relative paths resolve against; default `process.cwd()`. */
  readonly cwd?: string;
}

/** A loaded configuration plus where it came from (for start-up output). */
export interface LoadedConfig {
  readonly config: AppConfig;
  /** Absolute path of the config file that was looked for. */
  readonly path: string;
  readonly fileFound: boolean;
  /** Environment variables that changed the configuration. */
  readonly envOverrides: readonly AppliedOverride[];
  /** `CLAWBOT_*` variables that matched no key. */
  readonly ignoredEnv: readonly string[];
}

/** Where the config file is: the explicit path, else `$CLAWBOT_CONFIG`, else `./config.yaml` (absolute). */
export function resolveConfigPath(
  path: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const chosen = path ?? (env[ENV_CONFIG_PATH] === '' ? undefined : env[ENV_CONFIG_PATH]) ?? DEFAULT_CONFIG_PATH;
  return resolve(cwd, chosen);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and parses a YAML config file; `undefined` when it does not exist. */
export async function readConfigFile(path: string): Promise<{ value: unknown; problems: ConfigProblem[] } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BotError('config.invalid', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    return { value: {}, problems: doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message}` })) };
  }
  const value: unknown = doc.toJS() ?? {};
  if (!isRecord(value)) return { value: {}, problems: [{ path: '', message: 'the file must contain a YAML mapping' }] };
  return { value, problems: [] };
}

function mergeDeep(base: unknown, patch: unknown): unknown {
  if (!isRecord(base) || !isRecord(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = mergeDeep(base[key], value);
  return out;
}

/**
 * Loads and validates the configuration and reports where it came from.
 * Throws `BotError('config.invalid')` listing every problem with its dotted path.
 */
export async function loadConfigDetailed(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const path = resolveConfigPath(options.path, env, options.cwd);
  const file = await readConfigFile(path);
  const interpolated = interpolateEnv(file?.value ?? {}, env);
  const overridden = applyEnvOverrides(interpolated.value, env);
  const merged = options.overrides === undefined ? overridden.value : mergeDeep(overridden.value, options.overrides);
  const parsed = appConfigSchema.safeParse(merged);
  // A value whose ${ENV} is unset also fails its type check; report only the missing variable.
  // An unset ${ENV} that an override replaced is no problem at all.
  const missingEnv = interpolated.problems.filter((p) => {
    const current = getConfigValue(merged, p.path);
    return typeof current === 'string' && current.includes('${');
  });
  const unresolved = new Set(missingEnv.map((p) => p.path));
  const schemaProblems = parsed.success
    ? []
    : attributeProblems(problemsFromZod(parsed.error), overridden.applied).filter((p) => !unresolved.has(p.path));
  const problems = [...(file?.problems ?? []), ...missingEnv, ...schemaProblems];
  if (problems.length > 0 || !parsed.success) {
    throw configError(file === undefined ? `environment (no file at ${path})` : path, problems);
  }
  return {
    config: deepFreeze(parsed.data),
    path,
    fileFound: file !== undefined,
    envOverrides: overridden.applied,
    ignoredEnv: overridden.ignored,
  };
}

/**
 * Loads config.yaml (all defaults when it does not exist: the embedded demo), validated and deep-frozen.
 *
 * @example const config = await loadConfig({ path: 'config.yaml', env: process.env });
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<AppConfig> {
  return (await loadConfigDetailed(options)).config;
}

/** Validates an in-memory config value (no file, no environment) and returns it deep-frozen. */
export function parseConfig(value: unknown, source = 'config'): AppConfig {
  const parsed = appConfigSchema.safeParse(value ?? {});
  if (!parsed.success) throw configError(source, problemsFromZod(parsed.error));
  return deepFreeze(parsed.data);
}
