/**
 * `${ENV_VAR}` interpolation in string values of a parsed config document. Pure: the environment is passed in.
 */

/** A problem found while reading the configuration, located by its dotted path. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export interface InterpolationResult {
  readonly value: unknown;
  readonly problems: readonly ConfigProblem[];
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Joins path segments with dots (`auth.apiKeys.0.key`). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/**
 * Replaces `${NAME}` in one string with `env[NAME]`. `${NAME:-fallback}` uses `fallback` when NAME is unset or empty;
 * `$${` is a literal `${`. Returns the names that were referenced but unset.
 */
export function interpolateString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (whole: string, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const found = env[name];
    if (fallback !== undefined) return found === undefined || found === '' ? fallback : found;
    if (found === undefined) {
      missing.push(name);
      return whole;
    }
    return found;
  });
  return { value, missing };
}

/**
 * Interpolates every string value (not keys) of a plain YAML/JSON value, returning a new value.
 * Each unset variable becomes a problem at the path of the string that referenced it.
 *
 * @example interpolateEnv({ slack: { botToken: '${SLACK_BOT_TOKEN}' } }, process.env)
 */
export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: readonly PropertyKey[] = [],
): InterpolationResult {
  const problems: ConfigProblem[] = [];
  const walk = (node: unknown, at: readonly PropertyKey[]): unknown => {
    if (typeof node === 'string') {
      const { value: out, missing } = interpolateString(node, env);
      for (const name of missing) {
        problems.push({
          path: formatPath(at),
          message: `environment variable ${name} is not set (referenced as \${${name}})`,
        });
      }
      return out;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...at, i]));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...at, key])]));
    }
    return node;
  };
  return { value: walk(value, path), problems };
}
