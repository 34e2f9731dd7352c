/**
 * Reading and editing config.yaml in place: `clawbot config get|set`. Edits go through the yaml Document API,
 * so comments and layout survive, and are validated before the file is written.
 */
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isDocument, isNode, isScalar, parseDocument, YAMLMap, type Document } from 'yaml';
import { BotError } from '../../core/errors.js';
import { parseEnvValue } from './env-overrides.js';
import { interpolateEnv, type ConfigProblem } from './interpolate.js';
import { configError, problemsFromZod } from './problems.js';
import { appConfigSchema } from './schema.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Splits `auth.apiKeys.0.key` into `['auth', 'apiKeys', 0, 'key']`. */
export function splitKey(key: string): (string | number)[] {
  const segments = key.split('.');
  if (key.trim() === '' || segments.some((s) => s === '')) {
    throw new BotError('config.invalid', `"${key}" is not a config key; use dotted paths such as inference.timeout`);
  }
  return segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Reads a dotted key from a plain object (e.g. an `AppConfig`) or a yaml `Document`. `undefined` when absent.
 *
 * @example getConfigValue(config, 'gateway.port') // 18789
 */
export function getConfigValue(doc: unknown, key: string): unknown {
  const path = splitKey(key);
  if (isDocument(doc)) {
    const found: unknown = doc.getIn(path);
    return isNode(found) ? found.toJSON() : found;
  }
  let node: unknown = doc;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * Problems of a config document as written. `${ENV}` references are resolved from `env` where the variable is set;
 * a value that still holds an unresolved reference is not judged here (start-up requires the variable to exist).
 */
export function checkConfigDocument(value: unknown, env: Env): ConfigProblem[] {
  const interpolated = interpolateEnv(value ?? {}, env).value;
  const parsed = appConfigSchema.safeParse(interpolated);
  if (parsed.success) return [];
  return problemsFromZod(parsed.error).filter((problem) => {
    if (problem.path === '') return true;
    const current = getConfigValue(interpolated, problem.path);
    return !(typeof current === 'string' && /\$\{[A-Za-z_]/.test(current));
  });
}

const touches = (problem: ConfigProblem, key: string): boolean =>
  problem.path === key ||
  problem.path.startsWith(`${key}.`) ||
  key.startsWith(`${problem.path}.`) ||
  problem.path === '';

function makeMapsAlong(doc: Document, path: readonly (string | number)[], key: string): void {
  for (let i = 1; i < path.length; i += 1) {
    const node: unknown = doc.getIn(path.slice(0, i), true);
    if (node === undefined) return;
    if (isScalar(node)) {
      if (node.value !== null) {
        throw new BotError(
          'config.invalid',
          `Cannot set ${key}: ${path.slice(0, i).join('.')} holds a value, not a mapping`,
        );
      }
      doc.setIn(path.slice(0, i), new YAMLMap());
    }
  }
}

export interface SetConfigValueOptions {
  /** Environment for `${ENV}` references during validation; default `process.env`. */
  readonly env?: Env;
  /** Store the value as a string instead of parsing it as a YAML scalar. */
  readonly asString?: boolean;
}

export interface SetConfigValueResult {
  readonly previous: unknown;
  readonly value: unknown;
  /** Problems elsewhere in the file that existed before this edit (the edit did not cause them). */
  readonly otherProblems: readonly ConfigProblem[];
}

/**
 * Sets `key` in the YAML file at `path` (created when absent), keeping comments. `value` is parsed as a YAML scalar
 * (`60` -> number, `true` -> boolean, `[a, b]` -> list) unless `asString`. The edited file is validated first:
 * a problem at the edited key, or any new problem, throws `config.invalid` and leaves the file untouched.
 *
 * @example await setConfigValue('config.yaml', 'inference.timeout', '60')
 */
export async function setConfigValue(
  path: string,
  key: string,
  value: string,
  options: SetConfigValueOptions = {},
): Promise<SetConfigValueResult> {
  const env = options.env ?? process.env;
  const segments = splitKey(key);
  let text = '';
  let mode = 0o600;
  try {
    text = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw configError(
      path,
      doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message}` })),
    );
  }
  const before = checkConfigDocument(doc.toJS(), env);
  const previous = getConfigValue(doc, key);
  const parsedValue = options.asString === true ? value : parseEnvValue(value);
  makeMapsAlong(doc, segments, key);
  doc.setIn(
    segments,
    typeof parsedValue === 'object' && parsedValue !== null ? doc.createNode(parsedValue) : parsedValue,
  );
  const after = checkConfigDocument(doc.toJS(), env);
  const seen = new Set(before.map((p) => `${p.path}\u0000${p.message}`));
  const blocking = after.filter((p) => touches(p, key) || !seen.has(`${p.path}\u0000${p.message}`));
  if (blocking.length > 0) {
    const error = configError(`${path} (after setting ${key})`, blocking);
    if (blocking.every((p) => !touches(p, key)) && segments.length > 1) {
      const parent = segments.slice(0, -1).join('.');
      error.message += `\nSet keys that are required together in one go, e.g. \`clawbot config set ${parent} '{ a: 1, b: 2 }'\``;
    }
    throw error;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, doc.toString(), { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
  return { previous, value: getConfigValue(doc, key), otherProblems: after };
}
