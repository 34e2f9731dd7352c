/**
 * Environment overrides: `CLAWBOT_GATEWAY__PORT=8080` sets `gateway.port`, `CLAWBOT_API_KEYS=a,b` adds API keys,
 * `REDIS_URL` sets `redis.url` when the file names no Redis (neither `redis.url` nor `redis.cluster`). Pure: the
 * environment is passed in.
 */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { appConfigSchema } from './schema.js';
import { childSchema, shapeKeys } from './schema-walk.js';

/** Prefix of override variables. */
export const ENV_PREFIX = 'CLAWBOT_';
/** Comma-separated API keys added to `auth.apiKeys`. */
export const ENV_API_KEYS = 'CLAWBOT_API_KEYS';
/** Path of the config file (read by the CLI, not an override). */
export const ENV_CONFIG_PATH = 'CLAWBOT_CONFIG';
/** Fallback for `redis.url` (ignored when the file sets `redis.url` or `redis.cluster`). */
export const ENV_REDIS_URL = 'REDIS_URL';

const RESERVED = new Set([ENV_API_KEYS, ENV_CONFIG_PATH]);

/** One override that was applied: which variable set which dotted path. */
export interface AppliedOverride {
  readonly variable: string;
  readonly path: string;
}

export interface EnvOverrideResult {
  readonly value: Record<string, unknown>;
  readonly applied: readonly AppliedOverride[];
  /** `CLAWBOT_*` variables that name no configuration key. */
  readonly ignored: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const normalise = (name: string): string => name.replace(/_/g, '').toLowerCase();

/** `APP_SECRET` -> `appSecret`. */
function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Resolves one env segment (`BODY_LIMIT`) to a key (`bodyLimit`) using keys already present and the schema. */
function resolveSegment(segment: string, current: unknown, schema: z.ZodType | undefined): string | number {
  if (/^\d+$/.test(segment)) return Number(segment);
  const wanted = normalise(segment);
  const candidates = [...(isRecord(current) ? Object.keys(current) : []), ...shapeKeys(schema)];
  return candidates.find((key) => normalise(key) === wanted) ?? camelCase(segment);
}

/**
 * Parses an override value as a YAML scalar (`8080` -> number, `true` -> boolean, `[a, b]` -> list).
 * Unquoted text stays exactly as written, so a secret containing ` #` is never cut at a YAML comment.
 */
export function parseEnvValue(raw: string): unknown {
  let parsed: unknown;
  try {
    parsed = parseYaml(raw);
  } catch {
    return raw;
  }
  const quoted = /^\s*["']/.test(raw);
  if (typeof parsed === 'string' && !quoted) return raw;
  if (parsed === null && !/^\s*(?:null|~)?\s*$/i.test(raw)) return raw;
  return parsed;
}

function setIn(root: Record<string, unknown>, keys: readonly (string | number)[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = root;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[key] = value;
      return;
    }
    const next = container[key];
    const wantArray = typeof keys[i + 1] === 'number';
    if (typeof next !== 'object' || next === null) container[key] = wantArray ? [] : {};
    node = container[key] as Record<string, unknown> | unknown[];
  });
}

/**
 * Applies `CLAWBOT_*` overrides (double underscore separates path segments, case-insensitive, `_` inside a segment
 * optional: `CLAWBOT_GATEWAY__BODY_LIMIT` and `CLAWBOT_GATEWAY__BODYLIMIT` both set `gateway.bodyLimit`),
 * then `CLAWBOT_API_KEYS` and `REDIS_URL`. Returns a new object; the input is not modified.
 */
export function applyEnvOverrides(document: unknown, env: Env): EnvOverrideResult {
  const value: Record<string, unknown> = isRecord(document) ? structuredClone(document) : {};
  const applied: AppliedOverride[] = [];
  const ignored: string[] = [];
  const names = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !RESERVED.has(name) && env[name] !== undefined)
    .map((name) => ({ name, segments: name.slice(ENV_PREFIX.length).split('__') }))
    .sort((a, b) => a.segments.length - b.segments.length || a.name.localeCompare(b.name));
  const topLevel = shapeKeys(appConfigSchema);
  for (const { name, segments } of names) {
    const first = segments[0] ?? '';
    if (segments.some((s) => s === '') || !topLevel.some((key) => normalise(key) === normalise(first))) {
      ignored.push(name);
      continue;
    }
    const keys: (string | number)[] = [];
    let node: unknown = value;
    let schema: z.ZodType | undefined = appConfigSchema;
    for (const segment of segments) {
      const key = resolveSegment(segment, node, schema);
      keys.push(key);
      node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
      schema = childSchema(schema, key);
    }
    setIn(value, keys, parseEnvValue(env[name] ?? ''));
    applied.push({ variable: name, path: keys.join('.') });
  }
  applySpecialVariables(value, env, applied);
  return { value, applied, ignored };
}

function applySpecialVariables(value: Record<string, unknown>, env: Env, applied: AppliedOverride[]): void {
  const extraKeys = (env[ENV_API_KEYS] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (extraKeys.length > 0) {
    const auth = isRecord(value['auth']) ? value['auth'] : {};
    const current = Array.isArray(auth['apiKeys']) ? (auth['apiKeys'] as unknown[]) : [];
    value['auth'] = { ...auth, apiKeys: [...current, ...extraKeys] };
    applied.push({ variable: ENV_API_KEYS, path: 'auth.apiKeys' });
  }
  const redisUrl = env[ENV_REDIS_URL];
  const redis = isRecord(value['redis']) ? value['redis'] : {};
  const fileHasRedis = (redis['url'] !== undefined && redis['url'] !== null) || redis['cluster'] !== undefined;
  if (redisUrl !== undefined && redisUrl !== '' && !fileHasRedis) {
    value['redis'] = { ...redis, url: redisUrl };
    applied.push({ variable: ENV_REDIS_URL, path: 'redis.url' });
  }
}
