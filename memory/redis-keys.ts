import { BotError } from '../core/errors.js';

/** Default first segment of every Redis key this package writes. */
export const DEFAULT_KEY_PREFIX = 'clawbot';
/** Default tenant segment when a deployment serves one tenant. */
export const DEFAULT_TENANT = 'default';

/** The namespace shared by every Redis store: `<keyPrefix>:<tenant>`. */
export interface RedisNamespace {
  /** First key segment (default `clawbot`). Must not contain `{` or `}`. */
  readonly keyPrefix?: string;
  /** Tenant segment (default `default`). Must not contain `{` or `}`. */
  readonly tenant?: string;
}

/**
 * Resolves and validates a namespace to `keyPrefix:tenant`.
 * Braces are refused so that the first `{...}` of every key is the hash tag this package puts there.
 */
export function namespaceOf(ns: RedisNamespace): string {
  const prefix = ns.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const tenant = ns.tenant ?? DEFAULT_TENANT;
  for (const [name, value] of [
    ['keyPrefix', prefix],
    ['tenant', tenant],
  ] as const) {
    if (value.length === 0 || /[{}]/.test(value)) {
      throw new BotError('config.invalid', `Redis ${name} must be non-empty and contain no '{' or '}', got "${value}"`);
    }
  }
  return `${prefix}:${tenant}`;
}

/** Memory list of one conversation: `<ns>:mem:{<conversationKey>}` (hash-tagged on the conversation key). */
export function memoryKey(ns: string, conversationKey: string): string {
  return `${ns}:mem:{${conversationKey}}`;
}

/** Lock of one key: `<ns>:lock:{<key>}` (same hash tag as the conversation's memory). */
export function lockKey(ns: string, key: string): string {
  return `${ns}:lock:{${key}}`;
}

/** Pub/sub channel on which lock releases are announced (message = the released lock key). */
export function lockReleaseChannel(ns: string): string {
  return `${ns}:lock:released`;
}

/** Key-value entry: `<ns>:kv:{<key>}` (hash-tagged on the caller's key). */
export function kvKey(ns: string, key: string): string {
  return `${ns}:kv:{${key}}`;
}

/**
 * The part of `key` Redis Cluster hashes: the text between the first `{` and the next `}` when non-empty,
 * else the whole key (Redis Cluster spec, "hash tags").
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
